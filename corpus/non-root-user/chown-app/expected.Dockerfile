FROM python:3.12-slim AS build
WORKDIR /build
COPY . .
RUN pip wheel --no-deps -w /wheels .

FROM python:3.12-slim
WORKDIR /app
COPY --from=build /wheels /wheels
COPY --chown=10001:10001 requirements.txt ./
COPY --chown=10001:10001 ["config.yaml", "./config/"]
ADD --chown=0:0 static.tar /app/static/
COPY --chown=10001:10001 src /app/src
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
CMD ["python", "-m", "app"]
