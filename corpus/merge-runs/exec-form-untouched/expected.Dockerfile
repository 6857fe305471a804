FROM debian:bookworm
RUN ["apt-get", "update"]
RUN apt-get install -y curl
RUN ["/bin/sh", "-c", "echo exec"]
