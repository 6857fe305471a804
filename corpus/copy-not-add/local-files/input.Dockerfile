FROM python:3.12-slim
ADD requirements.txt /app/
ADD . /app
ADD --chown=app:app src/ /app/src/
