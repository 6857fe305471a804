# syntax=docker/dockerfile:1.4
FROM node:20
RUN --mount=type=secret,id=npm_token export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm ci
