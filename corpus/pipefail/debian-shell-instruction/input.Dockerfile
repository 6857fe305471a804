FROM debian:12 AS build
RUN apt-get update
  # fetch the sources
  RUN curl -fsSL https://example.com/src.tar.gz | tar -xz
RUN grep -v '^#' list.txt | sort > sorted.txt

FROM build AS test
RUN ls | wc -l

FROM ubuntu:24.04
RUN echo hi
RUN cat /etc/os-release | grep ID
