# syntax=docker/dockerfile:1
FROM debian:bookworm
RUN <<EOF
apt-get update
EOF
RUN apt-get install -y curl
RUN cat <<NOTE > /etc/motd
hello
NOTE
RUN echo after
