FROM debian:12
RUN apt-get update && f() { apt-get install -y curl; } && f
RUN apt-get update && apt-get install -y curl &
