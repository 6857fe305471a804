FROM debian:12
RUN apt update \
    # then install
    && apt install -y ca-certificates
