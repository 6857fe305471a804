FROM debian:12
RUN sudo apt-get update && sudo ap@-get install -y curl
