FROM corp/base-image:3
RUN apk add --no-cache python3
WORKDIR /app
COPY . .
CMD ["python3", "main.py"]
