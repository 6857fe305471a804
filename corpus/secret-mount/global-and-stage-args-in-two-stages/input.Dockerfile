ARG NPM_TOKEN
FROM node:20 AS deps
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM node:20 AS build
ARG NPM_TOKEN
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN yarn build:private

FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
