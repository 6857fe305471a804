FROM ruby:2.7
RUN echo hi
