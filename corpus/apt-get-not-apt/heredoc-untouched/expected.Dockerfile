# syntax=docker/dockerfile:1
FROM debian:12
RUN <<EOF
apt update
apt install -y curl
EOF
