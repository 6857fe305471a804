FROM python:3.12-alpine
WORKDIR /app
COPY . .
RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app -s /sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
CMD ["python", "-m", "app"]
