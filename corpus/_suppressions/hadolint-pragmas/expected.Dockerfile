FROM debian:12
# hadolint global ignore=DL4000
MAINTAINER Ops <ops@example.com>
# hadolint ignore=DL3008,DL3027
RUN apt install -y curl
RUN apt-get install -y wget
# hadolint ignore=DL3020
ADD a.txt /a
COPY b.txt /b
