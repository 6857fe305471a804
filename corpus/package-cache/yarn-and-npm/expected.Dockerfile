FROM node:20
RUN yarn install --frozen-lockfile && yarn build && yarn cache clean
RUN npm ci && npm cache clean --force
RUN npm install -g typescript && npm cache clean --force && tsc --version
