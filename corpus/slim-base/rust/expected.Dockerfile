FROM rust:1.75-slim
COPY target/release/app /usr/local/bin/app
CMD ["app"]
