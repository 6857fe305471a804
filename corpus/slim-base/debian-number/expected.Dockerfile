FROM debian:12-slim
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
