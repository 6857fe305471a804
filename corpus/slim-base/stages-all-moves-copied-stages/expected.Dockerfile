FROM python:3.12-slim AS assets
COPY static /static

FROM python:3.12-slim
COPY --from=assets /static /app/static
CMD ["python", "-m", "app"]
