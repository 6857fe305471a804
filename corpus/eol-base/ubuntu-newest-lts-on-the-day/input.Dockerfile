FROM ubuntu:xenial
RUN echo hi
