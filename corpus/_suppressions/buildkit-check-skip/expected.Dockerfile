# syntax=docker/dockerfile:1
# check=skip=MaintainerDeprecated,JSONArgsRecommended;error=true
FROM debian:12
MAINTAINER Ops <ops@example.com>
ENV A=b
COPY a.txt /a
