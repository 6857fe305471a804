FROM debian:bookworm
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
