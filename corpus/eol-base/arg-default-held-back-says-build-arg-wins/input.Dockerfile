ARG BASE=debian:stretch-slim
FROM ${BASE}
