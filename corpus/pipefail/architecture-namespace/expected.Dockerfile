FROM arm64v8/buildpack-deps:bookworm
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /opt
FROM amd64/alpine:3.20
SHELL ["/bin/ash", "-o", "pipefail", "-c"]
RUN wget -qO- https://example.com/tool.tar.gz | tar -xz -C /opt
FROM registry.example.com/amd64/debian:12
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /opt
