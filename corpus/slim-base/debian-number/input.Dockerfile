FROM debian:12
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
