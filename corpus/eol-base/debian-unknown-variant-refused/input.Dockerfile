FROM debian:stretch-backports
RUN echo hi
