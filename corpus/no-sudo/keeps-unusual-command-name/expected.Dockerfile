FROM debian:12
RUN apt-get update && sudo ap@-get install -y curl
