FROM debian:12
ARG PKGS="curl git"
RUN DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-confold install $PKGS
RUN env DEBIAN_FRONTEND=noninteractive apt-get -t bookworm-backports install "$PKGS"
