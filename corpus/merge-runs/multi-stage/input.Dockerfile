FROM node:20 AS build
WORKDIR /app
RUN npm ci
RUN npm run build
FROM nginx:1.27
RUN rm -rf /usr/share/nginx/html/*
RUN mkdir -p /var/cache/nginx
COPY --from=build /app/dist /usr/share/nginx/html
