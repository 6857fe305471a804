FROM node:20
RUN npm ci && npm cache clean --force
RUN npm --version && yarn --version
