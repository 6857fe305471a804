FROM debian:bookworm AS base
RUN mkdir -p /srv/data

FROM base AS build
RUN echo built > /artifact

FROM base
COPY --from=build /artifact /srv/data/artifact
WORKDIR /srv/data
CMD ["sh", "-c", "cat artifact && date > state && echo saved"]
