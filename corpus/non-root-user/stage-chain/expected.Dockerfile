FROM debian:bookworm-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*

FROM base AS runtime
WORKDIR /srv
COPY app /srv/app

FROM runtime
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /srv
USER 10001:10001
CMD ["/srv/app"]
