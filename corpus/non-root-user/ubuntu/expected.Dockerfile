FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/app
COPY run.sh .
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /srv/app
USER 10001:10001
ENTRYPOINT ["./run.sh"]
