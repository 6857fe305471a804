FROM python:3.12-slim
COPY . /app
HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8000/health
CMD gunicorn --bind 0.0.0.0:8000 --workers=2 app.wsgi:application
