FROM node:20
WORKDIR /app
COPY --chown=node:node .npmrc ./
USER node
RUN npm ci && rm .npmrc
