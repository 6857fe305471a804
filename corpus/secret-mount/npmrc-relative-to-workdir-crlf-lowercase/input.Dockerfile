from node:20
workdir /app
copy .npmrc ./
copy package.json ./
run npm install \
    && rm .npmrc
