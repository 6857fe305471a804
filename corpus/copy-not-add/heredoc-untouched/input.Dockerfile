# syntax=docker/dockerfile:1
FROM debian:12
ADD <<EOF /etc/motd
hello
EOF
