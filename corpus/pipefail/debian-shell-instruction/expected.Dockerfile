FROM debian:12 AS build
RUN apt-get update
  SHELL ["/bin/bash", "-o", "pipefail", "-c"]
  # fetch the sources
  RUN curl -fsSL https://example.com/src.tar.gz | tar -xz
RUN grep -v '^#' list.txt | sort > sorted.txt

FROM build AS test
RUN ls | wc -l

FROM ubuntu:24.04
RUN echo hi
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN cat /etc/os-release | grep ID
