# syntax=docker/dockerfile:1
FROM debian:bookworm-slim
WORKDIR /app
RUN <<EOF
apt-get update
apt-get install -y --no-install-recommends python3
rm -rf /var/lib/apt/lists/*
EOF
COPY <<EOF /app/main.py
print("hello")
EOF
CMD ["python3", "main.py"]
