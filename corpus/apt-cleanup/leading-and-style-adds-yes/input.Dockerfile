FROM debian:12
RUN apt-get update \
    && apt-get install --no-install-recommends \
        ca-certificates \
        curl \
    && curl --version
