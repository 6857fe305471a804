FROM debian:12
RUN apt-get update \
    && apt-get install -y curl \
# a comment stays
    && rm -rf /var/lib/apt/lists/*
RUN <<EOT bash -eu \
    -x
echo one

echo two
EOT
