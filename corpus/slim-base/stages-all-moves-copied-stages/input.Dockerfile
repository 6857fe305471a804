FROM python:3.12 AS assets
COPY static /static

FROM python:3.12
COPY --from=assets /static /app/static
CMD ["python", "-m", "app"]
