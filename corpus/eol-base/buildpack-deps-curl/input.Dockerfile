FROM buildpack-deps:stretch-curl
RUN echo hi
