ARG BASE=node:20-alpine@sha256:11111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ARG NODE_ENV=production
FROM ${BASE} AS deps
RUN npm ci
FROM $BASE
ENV NODE_ENV=$NODE_ENV
