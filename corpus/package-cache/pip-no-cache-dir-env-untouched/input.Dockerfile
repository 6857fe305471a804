FROM python:3.12 AS base
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask
FROM base
RUN pip install gunicorn
FROM python:3.12
ARG PIP_NO_CACHE_DIR=off
RUN pip install x
RUN PIP_NO_CACHE_DIR=1 pip install y && export PIP_NO_CACHE_DIR=1 && pip install z
