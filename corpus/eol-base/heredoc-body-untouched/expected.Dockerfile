FROM debian:trixie-slim
RUN <<EOF
echo FROM debian:stretch
EOF
