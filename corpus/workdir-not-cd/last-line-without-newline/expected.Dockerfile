FROM alpine:3.20
WORKDIR /app
WORKDIR /tmp
RUN wget x
WORKDIR /app