FROM buildpack-deps:resolute-scm
RUN echo hi
