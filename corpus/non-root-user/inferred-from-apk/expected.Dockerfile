FROM corp/base-image:3
RUN apk add --no-cache python3
WORKDIR /app
COPY . .
RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app -s /sbin/nologin app && chown 10001:10001 /app
USER 10001:10001
CMD ["python3", "main.py"]
