FROM debian:bookworm AS build
RUN mkdir /out && echo 41 > /out/counter

FROM debian:bookworm
WORKDIR /app
COPY --chown=10001:10001 --from=build /out/ ./
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
CMD ["sh", "-c", "echo $(( $(cat counter) + 1 )) > counter && cat counter"]
