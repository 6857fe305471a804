FROM debian:bookworm
RUN useradd --create-home builder
USER builder
WORKDIR /home/builder
RUN --mount=type=secret,id=build_token,mode=0444 export BUILD_TOKEN="$(cat /run/secrets/build_token)" && printf '%s' "$BUILD_TOKEN" | sha256sum | cut -d' ' -f1 > /home/builder/token.sha256
CMD ["cat", "/home/builder/token.sha256"]
