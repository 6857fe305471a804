FROM debian:bookworm
RUN apt-get update \
    # the compiler
    && apt-get install -y gcc \
    && rm -rf /var/lib/apt/lists/* \
    && ( set -x \
    && gcc --version ) \
    && echo start \
    && echo end
