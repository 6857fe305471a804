FROM ubuntu:24.04
RUN sudo apt-get -y install git \
 && DEBIAN_FRONTEND=noninteractive apt-get dist-upgrade -y
