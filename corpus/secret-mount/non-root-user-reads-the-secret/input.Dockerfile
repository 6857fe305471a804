FROM node:20
ARG NPM_TOKEN
WORKDIR /home/node/app
USER node
COPY .npmrc /home/node/.npmrc
RUN npm ci && rm /home/node/.npmrc
RUN npm run build:private
