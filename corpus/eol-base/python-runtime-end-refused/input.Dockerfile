FROM python:3.7
RUN echo hi
