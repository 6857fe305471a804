FROM node:20
ARG VERSION=1.0
RUN --mount=type=secret,id=npm_token export NPM_TOKEN="$(cat /run/secrets/npm_token)" && echo "//npm.example.com/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm install -g acme-cli@$VERSION && rm ~/.npmrc
