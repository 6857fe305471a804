FROM ubuntu:22.04
WORKDIR /work
RUN groupadd --system --gid 3000 svc && useradd --system --uid 2000 --gid 3000 --no-log-init --no-create-home --shell /usr/sbin/nologin svc && chown 2000:3000 /work
USER 2000:3000
CMD ["bash", "run.sh"]
