# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim
WORKDIR /app
ARG NPM_TOKEN
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev
COPY . .
CMD ["node", "server.js"]
