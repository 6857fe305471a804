FROM buildpack-deps:xenial-scm
RUN echo hi
