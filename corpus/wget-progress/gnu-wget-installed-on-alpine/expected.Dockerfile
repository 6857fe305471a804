FROM alpine:3.20 AS base
RUN apk add --no-cache wget ca-certificates
FROM base
RUN wget --progress=dot:giga https://example.com/a
FROM node:20-alpine
RUN apk add --no-cache curl wget && wget --progress=dot:giga https://example.com/b
