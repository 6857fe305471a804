from debian:12
run DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && apt-get install -qq curl \
    && rm -rf /var/lib/apt/lists/* && curl --version
