FROM python:3.12-slim AS app
WORKDIR /app
COPY . .
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
CMD ["python", "-m", "app"]

FROM app AS docs
COPY docs /app/docs

FROM python:3.12-slim AS test
COPY . /src
RUN pip install pytest
CMD ["pytest", "/src"]
