FROM debian:12
COPY app /usr/local/bin/app
ENTRYPOINT ["app", "--serve"]
