FROM \
# the base image
    python:3.12 AS base
RUN <<EOF
echo FROM python:3.12
EOF
COPY <<EOF /etc/motd
FROM python:3.12
EOF
