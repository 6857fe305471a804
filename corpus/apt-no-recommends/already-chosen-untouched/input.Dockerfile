FROM debian:12
RUN apt-get install -y --no-install-recommends curl
RUN apt-get install -y -o APT::Install-Recommends=false git
