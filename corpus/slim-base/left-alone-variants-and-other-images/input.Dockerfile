FROM golang:1.22 AS build
RUN go build -o /app .
FROM python:3.12-alpine AS alp
FROM node:20-slim
COPY --from=build /app /app
CMD ["/app"]
