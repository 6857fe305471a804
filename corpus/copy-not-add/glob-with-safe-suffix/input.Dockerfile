FROM node:20
ADD package*.json ./
