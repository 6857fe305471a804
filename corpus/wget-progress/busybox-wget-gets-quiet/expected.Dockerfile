FROM alpine:3.20
RUN wget -q https://example.com/a
RUN wget -q -O /tmp/b https://example.com/b && apk add --no-cache wget
FROM busybox
RUN wget -q https://example.com/c
FROM alpine:3.20 AS quiet-already
RUN wget -qO- https://example.com/d | tar -xz && busybox wget -q https://example.com/e
FROM busybox:1.36
RUN set -eux; \
    wget -q -O /tmp/f \
        https://example.com/f; \
    /bin/wget -q --no-check-certificate https://example.com/g
