FROM debian:12
RUN sudo apt-get update && sudo apt-get install -y pkg-`cat /v`x
