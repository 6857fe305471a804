FROM debian:12
# dfix ignore=copy-not-ad,DL3008
ADD a.txt /a
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
