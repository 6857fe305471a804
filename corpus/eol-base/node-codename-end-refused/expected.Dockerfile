FROM node:fermium-slim
RUN echo hi
