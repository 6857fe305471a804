FROM debian:bookworm-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*

FROM base AS runtime
WORKDIR /srv
COPY app /srv/app

FROM runtime
CMD ["/srv/app"]
