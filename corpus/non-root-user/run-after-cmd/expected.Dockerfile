FROM debian:bookworm
WORKDIR /app
CMD ["./start"]
COPY start .
RUN chmod +x start
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
