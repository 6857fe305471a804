FROM python:3.12 AS base
COPY . /app

FROM base AS test
RUN python -m pytest /app

FROM python:3.12-slim
COPY --from=base /app /app
CMD ["python", "/app/main.py"]
