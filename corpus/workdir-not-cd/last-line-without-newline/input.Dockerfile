FROM alpine:3.20
WORKDIR /app
RUN cd /tmp && wget x