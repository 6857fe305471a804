FROM docker.io/library/debian:trixie
RUN echo hi
