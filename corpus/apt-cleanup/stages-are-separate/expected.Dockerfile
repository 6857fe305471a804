FROM debian:12 AS one
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*

FROM debian:12 AS two
RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*

FROM one
RUN apt-get install -y make
