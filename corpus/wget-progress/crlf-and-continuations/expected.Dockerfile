FROM debian:12
RUN set -eux; \
    wget --progress=dot:giga \
      https://example.com/a; \
# a comment
    tar -xzf a
run env LANG=C wget --progress=dot:giga https://example.com/b
