FROM debian:stretch
RUN echo hi
