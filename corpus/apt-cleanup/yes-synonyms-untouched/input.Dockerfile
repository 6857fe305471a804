FROM debian:12
RUN apt-get install -qq a && apt-get install --yes b && apt-get -qy install c && apt-get install --assume-yes d && apt-get install -o APT::Get::Assume-Yes=true e
