FROM debian:bookworm
ARG BUILD_TOKEN
RUN printf '%s' "$BUILD_TOKEN" | sha256sum | cut -d' ' -f1 > /token.sha256
CMD ["cat", "/token.sha256"]
