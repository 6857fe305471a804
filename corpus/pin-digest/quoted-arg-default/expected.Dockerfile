ARG BASE="docker.io/library/debian:12@sha256:11111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
FROM ${BASE}
