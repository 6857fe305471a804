FROM debian:bookworm-slim
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
