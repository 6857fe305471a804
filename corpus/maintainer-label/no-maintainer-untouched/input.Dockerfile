# syntax=docker/dockerfile:1

FROM debian:12
# keep me
LABEL maintainer="x"

RUN true
