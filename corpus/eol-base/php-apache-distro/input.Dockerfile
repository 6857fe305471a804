FROM php:8.2-apache-bullseye
RUN echo hi
