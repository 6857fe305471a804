FROM debian:12
LABEL maintainer="Jane     Doe"
RUN true
