from debian:12
run DEBIAN_FRONTEND=noninteractive apt-get update -qq
run apt-get install -qq curl && curl --version
