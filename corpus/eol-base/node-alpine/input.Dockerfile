FROM node:22-alpine3.12
RUN echo hi
