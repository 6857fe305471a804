FROM debian:stretch-slim
RUN <<EOF
echo FROM debian:stretch
EOF
