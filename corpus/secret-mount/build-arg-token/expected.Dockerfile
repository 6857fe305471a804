FROM debian:bookworm
RUN --mount=type=secret,id=build_token export BUILD_TOKEN="$(cat /run/secrets/build_token)" && printf '%s' "$BUILD_TOKEN" | sha256sum | cut -d' ' -f1 > /token.sha256
CMD ["cat", "/token.sha256"]
