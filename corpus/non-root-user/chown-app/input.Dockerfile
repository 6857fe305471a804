FROM python:3.12-slim AS build
WORKDIR /build
COPY . .
RUN pip wheel --no-deps -w /wheels .

FROM python:3.12-slim
WORKDIR /app
COPY --from=build /wheels /wheels
COPY requirements.txt ./
COPY ["config.yaml", "./config/"]
ADD --chown=0:0 static.tar /app/static/
COPY src /app/src
CMD ["python", "-m", "app"]
