FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server=1:9.6p1-3ubuntu13 \
    && rm -rf /var/lib/apt/lists/*
EXPOSE 22/tcp 8080
EXPOSE 5900-5901 2375
