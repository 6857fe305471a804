FROM buildpack-deps:trixie-curl
RUN echo hi
