FROM node:20-bookworm-slim
WORKDIR /app
ARG NPM_TOKEN
COPY package.json package-lock.json .npmrc ./
RUN apt-get update && apt-get install -y git
RUN npm ci
RUN npm run build
CMD ["node", "server.js"]
