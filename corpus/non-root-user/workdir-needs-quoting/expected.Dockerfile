FROM ubuntu:24.04
RUN apt-get update && \
	apt-get install -y --no-install-recommends python3 && \
	rm -rf /var/lib/apt/lists/*
WORKDIR "/srv/my app"
COPY . .
RUN groupadd --system --gid 10001 app && \
	useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && \
	chown 10001:10001 '/srv/my app'
USER 10001:10001
CMD ["python3", "main.py"]
