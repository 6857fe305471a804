FROM python:3.12-slim
WORKDIR /app
RUN printf 'echo "hello from $(cat /etc/debian_version | cut -d. -f1)"\n' > /app/run.sh
CMD ["sh", "/app/run.sh"]
