FROM debian:12
RUN apt-get update
# the tools
RUN apt-get install -y \
    curl \
    git
RUN echo done
