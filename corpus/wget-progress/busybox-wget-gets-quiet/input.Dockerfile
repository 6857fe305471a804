FROM alpine:3.20
RUN wget https://example.com/a
RUN wget -O /tmp/b https://example.com/b && apk add --no-cache wget
FROM busybox
RUN wget https://example.com/c
FROM alpine:3.20 AS quiet-already
RUN wget -qO- https://example.com/d | tar -xz && busybox wget -q https://example.com/e
FROM busybox:1.36
RUN set -eux; \
    wget -O /tmp/f \
        https://example.com/f; \
    /bin/wget --no-check-certificate https://example.com/g
