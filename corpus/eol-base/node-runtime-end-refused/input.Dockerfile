FROM node:14-alpine3.12
RUN echo hi
