FROM debian:12
RUN <<EOF
sudo apt-get update
EOF
