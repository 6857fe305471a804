FROM ubuntu:24.04
RUN sudo apt -y install git \
 && DEBIAN_FRONTEND=noninteractive apt full-upgrade -y
