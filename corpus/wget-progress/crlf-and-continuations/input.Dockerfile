FROM debian:12
RUN set -eux; \
    wget \
      https://example.com/a; \
# a comment
    tar -xzf a
run env LANG=C wget https://example.com/b
