FROM ruby:3.3-slim-buster
RUN echo hi
