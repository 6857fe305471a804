FROM alpine:3.20 AS a
RUN set -euo pipefail; wget -qO- x | tar -xz
RUN sh -c 'a | b'
RUN echo "a|b"
RUN a || b
RUN ["sh", "-c", "a | b"]
RUN <<EOF
a | b
EOF
RUN a | b \
    && (c
RUN yes | apt-get install x
RUN cat list | head -1
RUN a | b &

FROM a
SHELL ["/bin/ash", "-c"]
RUN a | b

FROM $BASE
RUN a | b

FROM registry.example.com/team/builder:1
RUN a | b

FROM gcr.io/distroless/static-debian12
RUN a | b

FROM scratch
RUN a | b
