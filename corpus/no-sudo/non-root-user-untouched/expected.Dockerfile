FROM debian:12
USER app
RUN sudo apt-get update
