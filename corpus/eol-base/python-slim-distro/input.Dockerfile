FROM python:3.11-slim-buster
RUN echo hi
