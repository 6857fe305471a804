ARG BASE=debian:stretch-slim
FROM ${BASE}
RUN echo hi
