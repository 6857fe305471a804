FROM python:3.12-slim
COPY requirements.txt /app/
COPY . /app
COPY --chown=app:app src/ /app/src/
