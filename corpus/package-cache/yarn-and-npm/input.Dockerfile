FROM node:20
RUN yarn install --frozen-lockfile && yarn build
RUN npm ci
RUN npm install -g typescript && tsc --version
