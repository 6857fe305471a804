ARG BASE=debian:stretch-slim
FROM ${BASE}
LABEL base=$BASE
