FROM debian:bookworm
WORKDIR /app
RUN --mount=type=secret,id=netrc,target=/root/.netrc sha256sum /root/.netrc | cut -d' ' -f1 > /app/netrc.sha256
CMD ["cat", "/app/netrc.sha256"]
