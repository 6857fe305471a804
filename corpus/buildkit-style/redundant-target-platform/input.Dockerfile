FROM --platform=$TARGETPLATFORM golang:1.22 AS build
FROM --platform=${TARGETPLATFORM} \
    debian:12
FROM --platform="$TARGETPLATFORM" alpine:3.20
FROM --platform=$BUILDPLATFORM golang:1.22 AS cross
FROM --platform=linux/amd64 debian:12
