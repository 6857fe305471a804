FROM ubuntu:26.04
RUN echo hi
