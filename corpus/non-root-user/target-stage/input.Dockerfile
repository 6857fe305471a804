FROM python:3.12-slim AS app
WORKDIR /app
COPY . .
CMD ["python", "-m", "app"]

FROM app AS docs
COPY docs /app/docs

FROM python:3.12-slim AS test
COPY . /src
RUN pip install pytest
CMD ["pytest", "/src"]
