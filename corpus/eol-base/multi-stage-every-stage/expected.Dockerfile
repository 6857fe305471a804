FROM golang:1.26-trixie AS build
RUN go build -o /app .

FROM node:22-trixie-slim AS assets
RUN npm ci

FROM debian:trixie-slim
COPY --from=build /app /app
COPY --from=assets /dist /dist
