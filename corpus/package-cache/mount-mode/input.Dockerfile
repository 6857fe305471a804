FROM python:3.12
RUN pip install flask && apk add curl
RUN dnf install -y gcc
USER app
RUN pip install --user requests
