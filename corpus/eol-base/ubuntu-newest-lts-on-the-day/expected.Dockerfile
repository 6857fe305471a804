FROM ubuntu:noble
RUN echo hi
