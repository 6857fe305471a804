FROM debian:12
RUN apt upgrade -y
