from ubuntu:24.04
run sudo apt-get update \
    # install
    && sudo apt-get install -y curl
