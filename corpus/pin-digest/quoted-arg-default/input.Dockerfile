ARG BASE="docker.io/library/debian:12"
FROM ${BASE}
