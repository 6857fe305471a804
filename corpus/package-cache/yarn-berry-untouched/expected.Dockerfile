FROM node:20
RUN corepack enable
COPY .yarnrc.yml package.json yarn.lock ./
RUN yarn install --immutable
