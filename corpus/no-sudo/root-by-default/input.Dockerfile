FROM debian:12
RUN sudo apt-get update && sudo -E apt-get install -y curl && sudo mkdir -p /app
