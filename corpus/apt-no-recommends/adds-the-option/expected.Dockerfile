FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get -q build-dep --no-install-recommends -y python3
