FROM python:3.12-slim
ARG APP_USER=app
USER ${APP_USER}
CMD ["python"]
