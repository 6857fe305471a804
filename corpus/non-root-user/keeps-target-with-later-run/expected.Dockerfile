FROM python:3.12-slim AS app
WORKDIR /app
COPY . .
CMD ["python", "-m", "app"]

FROM app AS test
RUN pip install pytest
CMD ["pytest"]
