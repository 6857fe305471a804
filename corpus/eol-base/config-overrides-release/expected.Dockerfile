FROM debian:trixie
RUN echo hi
