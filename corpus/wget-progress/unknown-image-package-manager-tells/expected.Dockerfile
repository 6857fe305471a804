FROM example.com/team/debian-based:1.0 AS glibc
RUN apt-get update && apt-get install -y ca-certificates
RUN wget --progress=dot:giga https://example.com/a
FROM example.com/team/alpine-based:1.0 AS musl
RUN apk add --no-cache ca-certificates && wget -q https://example.com/b
FROM glibc
RUN wget --progress=dot:giga https://example.com/c
