FROM debian:13
RUN echo hi
