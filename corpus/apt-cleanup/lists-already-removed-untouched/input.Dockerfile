FROM debian:12
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -qq git && apt-get clean && rm -rf /var/lib/apt/lists
RUN set -eux; apt-get update; apt-get install -y make; apt-get dist-clean
