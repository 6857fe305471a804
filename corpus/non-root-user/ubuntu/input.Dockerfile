FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/app
COPY run.sh .
ENTRYPOINT ["./run.sh"]
