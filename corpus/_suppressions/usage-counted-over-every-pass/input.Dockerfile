# check=skip=LegacyKeyValueFormat,MaintainerDeprecated
FROM debian:12
MAINTAINER Ops <ops@example.com>
# dfix ignore=apt-cleanup,all
RUN apt update && apt install -y curl
RUN apt update && apt install -y wget
