# syntax=docker/dockerfile:1
FROM alpine:3.20@sha256:11111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
RUN apk add --no-cache curl
