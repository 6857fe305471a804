FROM ruby:3.3-slim-trixie
RUN echo hi
