FROM node:20
RUN mkdir -p /opt/app/vendor && chown node /opt
WORKDIR /opt/app
RUN cd vendor && npm ci
RUN cd /opt/app/vendor/ && ls
