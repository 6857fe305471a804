FROM node:20
COPY .npmrc ./
RUN npm ci && rm .npmrc
