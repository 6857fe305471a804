FROM debian:12
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN sudo apt-get update && sudo apt-get install -y curl
