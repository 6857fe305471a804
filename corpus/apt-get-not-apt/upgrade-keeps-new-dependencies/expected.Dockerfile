FROM debian:12
RUN apt-get upgrade --with-new-pkgs -y
