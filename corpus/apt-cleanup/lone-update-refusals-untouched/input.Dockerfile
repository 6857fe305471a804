FROM debian:12
RUN apt-get update
RUN --network=none apt-get install -y curl
RUN apt-get update
COPY . /src
RUN apt-get install -y git
RUN apt-get update
RUN echo no install
