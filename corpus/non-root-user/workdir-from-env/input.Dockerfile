FROM python:3.12-slim
ENV APP_HOME=/home/service
WORKDIR ${APP_HOME}/app
COPY . .
CMD ["python", "main.py"]
