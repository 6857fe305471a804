FROM golang:1.22 AS build
LABEL maintainer="a"
FROM scratch
LABEL maintainer="b"