FROM php:8.2-apache-trixie
RUN echo hi
