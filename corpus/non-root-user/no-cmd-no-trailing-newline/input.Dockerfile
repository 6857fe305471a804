FROM debian:bookworm
WORKDIR /app
COPY . .