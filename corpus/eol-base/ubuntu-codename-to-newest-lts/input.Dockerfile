FROM ubuntu:bionic
RUN echo hi
