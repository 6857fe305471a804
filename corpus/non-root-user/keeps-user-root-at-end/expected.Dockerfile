FROM node:20
WORKDIR /app
USER node
COPY . .
USER root
CMD ["node", "server.js"]
