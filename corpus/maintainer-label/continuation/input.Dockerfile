FROM debian:12
MAINTAINER Jane \
    Doe
RUN true
