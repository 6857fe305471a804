from debian:12 as base
run apt-get update
copy . /src
workdir /src
cmd ["make"]
