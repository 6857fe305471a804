FROM debian:12
RUN sh -c 'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*'
RUN bash -c "apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*" && echo ok
