FROM python:3.7-slim-stretch
RUN echo hi
