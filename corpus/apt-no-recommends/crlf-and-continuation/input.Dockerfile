FROM debian:12
RUN apt-get update \
    # comment
    && apt-get install -y \
       curl
