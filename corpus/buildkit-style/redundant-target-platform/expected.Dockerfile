FROM golang:1.22 AS build
FROM \
    debian:12
FROM alpine:3.20
FROM --platform=$BUILDPLATFORM golang:1.22 AS cross
FROM --platform=linux/amd64 debian:12
