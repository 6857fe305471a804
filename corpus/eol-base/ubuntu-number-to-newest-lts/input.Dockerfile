FROM ubuntu:16.04
RUN echo hi
