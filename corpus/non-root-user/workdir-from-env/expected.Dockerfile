FROM python:3.12-slim
ENV APP_HOME=/home/service
WORKDIR ${APP_HOME}/app
COPY . .
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /home/service/app
USER 10001:10001
CMD ["python", "main.py"]
