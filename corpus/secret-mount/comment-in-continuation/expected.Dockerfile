FROM node:20
RUN --mount=type=secret,id=npm_token \
    export NPM_TOKEN="$(cat /run/secrets/npm_token)" && npm ci \
    # private packages need the token
    && npm run build
