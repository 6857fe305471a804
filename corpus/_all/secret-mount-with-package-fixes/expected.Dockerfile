FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN apt-get update && apt-get install --no-install-recommends -y git && rm -rf /var/lib/apt/lists/*
RUN --mount=type=secret,id=npm_token ( export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm ci && npm cache clean --force ) \
    && export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm run build \
    && npm cache clean --force
RUN chown 1000:1000 /app
USER 1000:1000
CMD ["node", "server.js"]
