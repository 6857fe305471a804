FROM debian:12
# check=skip=all
MAINTAINER Ops <ops@example.com>
