FROM alpine:3.20
RUN wget https://example.com/a
RUN wget -O /tmp/b https://example.com/b && apk add --no-cache wget
FROM busybox
RUN wget https://example.com/c
