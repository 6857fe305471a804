FROM debian:stretch-slim
RUN <<EOF
echo FROM alpine:3.10
EOF
