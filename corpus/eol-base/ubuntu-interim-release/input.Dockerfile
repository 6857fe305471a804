FROM ubuntu:21.10
RUN echo hi
