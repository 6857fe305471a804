# check=skip=LegacyKeyValueFormat,MaintainerDeprecated
FROM debian:12
MAINTAINER Ops <ops@example.com>
# dfix ignore=apt-cleanup,all
RUN apt update && apt install -y curl
RUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*
