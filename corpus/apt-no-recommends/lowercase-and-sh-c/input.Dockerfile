from debian:12
run sh -c 'apt-get install -y curl'
