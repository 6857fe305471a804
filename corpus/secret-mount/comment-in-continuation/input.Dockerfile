FROM node:20
ARG NPM_TOKEN
RUN npm ci \
    # private packages need the token
    && npm run build
