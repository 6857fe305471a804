FROM corp/runtime:7
WORKDIR /app
COPY . .
CMD ["./app"]
