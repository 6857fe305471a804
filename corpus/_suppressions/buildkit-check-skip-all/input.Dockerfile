# check=skip=all
FROM debian:12
MAINTAINER Ops <ops@example.com>
ENV A b
LABEL version 1
ADD a.txt /a
