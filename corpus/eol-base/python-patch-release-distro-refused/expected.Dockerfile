FROM python:3.12.1-bullseye
RUN echo hi
