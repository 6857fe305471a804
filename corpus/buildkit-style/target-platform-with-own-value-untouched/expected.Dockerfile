ARG TARGETPLATFORM=linux/arm64
FROM --platform=$TARGETPLATFORM debian:12
FROM --platform=$BUILDPLATFORM golang:1.22
FROM --platform=linux/amd64 debian:12
FROM --platform=$TARGETPLATFORM-foo debian:12
