FROM rust:1.75
COPY target/release/app /usr/local/bin/app
CMD ["app"]
