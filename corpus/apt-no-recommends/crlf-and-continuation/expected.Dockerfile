FROM debian:12
RUN apt-get update \
    # comment
    && apt-get install --no-install-recommends -y \
       curl
