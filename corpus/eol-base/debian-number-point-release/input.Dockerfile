FROM debian:9.13
RUN echo hi
