FROM golang:1.26-buster AS build
RUN go build -o /app .

FROM node:22-bullseye-slim AS assets
RUN npm ci

FROM debian:buster-slim
COPY --from=build /app /app
COPY --from=assets /dist /dist
