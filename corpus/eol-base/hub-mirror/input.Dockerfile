FROM docker.io/library/debian:jessie
RUN echo hi
