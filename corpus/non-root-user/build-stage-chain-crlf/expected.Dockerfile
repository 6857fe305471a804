FROM debian:bookworm AS base
RUN mkdir -p /srv/data

FROM base AS build
RUN echo built > /artifact

FROM base
COPY --from=build /artifact /srv/data/artifact
WORKDIR /srv/data
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /srv/data
USER 10001:10001
CMD ["sh", "-c", "cat artifact && date > state && echo saved"]
