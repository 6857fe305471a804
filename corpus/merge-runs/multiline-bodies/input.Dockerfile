FROM debian:bookworm
RUN apt-get update \
    # the compiler
    && apt-get install -y gcc \
    && rm -rf /var/lib/apt/lists/*
RUN set -x \
    && gcc --version
RUN \
    echo start \
    && echo end
