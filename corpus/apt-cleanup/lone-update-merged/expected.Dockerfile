FROM debian:12
RUN apt-get update \
# the tools
    && apt-get install -y \
    curl \
    git \
    && rm -rf /var/lib/apt/lists/*
RUN echo done
