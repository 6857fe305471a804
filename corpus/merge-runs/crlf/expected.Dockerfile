FROM debian:bookworm
RUN apt-get update \
# tools
    && apt-get install -y curl \
    && cd /tmp && curl -O https://example.com/x
