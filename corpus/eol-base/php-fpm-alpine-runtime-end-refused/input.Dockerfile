FROM php:7.3-fpm-alpine
RUN echo hi
