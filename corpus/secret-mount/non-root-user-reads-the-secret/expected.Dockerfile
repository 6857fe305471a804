FROM node:20
WORKDIR /home/node/app
USER node
RUN --mount=type=secret,id=npm_token,mode=0444 --mount=type=secret,id=npmrc,target=/home/node/.npmrc,mode=0444 export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm ci
RUN --mount=type=secret,id=npm_token,mode=0444 export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm run build:private
