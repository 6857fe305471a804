FROM node:20
RUN mkdir -p /opt/app/vendor && chown node /opt
WORKDIR /opt/app/vendor
RUN npm ci
RUN ls
WORKDIR /opt/app
