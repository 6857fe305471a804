FROM node:20
WORKDIR /app
COPY .npmrc ./
RUN npm ci
CMD ["npm", "start"]
