FROM node:20
COPY . /app
HEALTHCHECK --interval=30s CMD curl -f http://localhost:3000/health || exit 1
CMD ["node", "/app/server.js"]
