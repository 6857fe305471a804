from debian:12
run sh -c 'apt-get install --no-install-recommends -y curl'
