from node:20
workdir /app
copy package.json ./
run --mount=type=secret,id=npmrc,target=/app/.npmrc \
    npm install
