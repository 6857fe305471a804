FROM python:3.11
MAINTAINER Ops Team <ops@example.com>

ENV PYTHONDONTWRITEBYTECODE 1
WORKDIR /app

RUN apt update
RUN apt install build-essential libpq-dev
# Python dependencies
ADD requirements.txt /app/
RUN pip install -r requirements.txt

ADD . /app
CMD ["gunicorn", "app:app"]
