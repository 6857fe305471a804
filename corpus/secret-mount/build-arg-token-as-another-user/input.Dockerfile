FROM debian:bookworm
RUN useradd --create-home builder
USER builder
WORKDIR /home/builder
ARG BUILD_TOKEN
RUN printf '%s' "$BUILD_TOKEN" | sha256sum | cut -d' ' -f1 > /home/builder/token.sha256
CMD ["cat", "/home/builder/token.sha256"]
