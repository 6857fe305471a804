ARG BASE=debian:trixie-slim
FROM ${BASE}
RUN echo hi
