FROM node:22-alpine3.24
RUN echo hi
