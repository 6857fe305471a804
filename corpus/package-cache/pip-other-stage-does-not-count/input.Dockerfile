FROM python:3.12 AS a
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask
FROM python:3.12
RUN pip install gunicorn
