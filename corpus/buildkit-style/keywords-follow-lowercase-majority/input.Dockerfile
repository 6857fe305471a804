from debian:12 AS base
run apt-get update
COPY . /src
workdir /src
cmd ["make"]
