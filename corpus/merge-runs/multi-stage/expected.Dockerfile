FROM node:20 AS build
WORKDIR /app
RUN npm ci \
    && npm run build
FROM nginx:1.27
RUN rm -rf /usr/share/nginx/html/* \
    && mkdir -p /var/cache/nginx
COPY --from=build /app/dist /usr/share/nginx/html
