FROM debian:12
RUN apt-get update \
    # then install
    && apt-get install -y ca-certificates
