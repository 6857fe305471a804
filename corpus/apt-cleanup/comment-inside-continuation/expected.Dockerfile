FROM debian:12
RUN apt-get update \
    # the tools we need
    && apt-get install -y \
        # for downloads
        curl \
        wget \
    && rm -rf /var/lib/apt/lists/*
