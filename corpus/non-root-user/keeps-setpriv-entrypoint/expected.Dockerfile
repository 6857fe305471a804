FROM debian:bookworm-slim
COPY app /usr/local/bin/app
ENTRYPOINT ["setpriv", "--reuid=1000", "--regid=1000", "--init-groups", "/usr/local/bin/app"]
