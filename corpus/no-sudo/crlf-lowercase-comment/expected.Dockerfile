from ubuntu:24.04
run apt-get update \
    # install
    && apt-get install -y curl
