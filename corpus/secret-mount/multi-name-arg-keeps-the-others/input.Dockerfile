FROM node:20
ARG VERSION=1.0 NPM_TOKEN
RUN echo "//npm.example.com/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm install -g acme-cli@$VERSION && rm ~/.npmrc
