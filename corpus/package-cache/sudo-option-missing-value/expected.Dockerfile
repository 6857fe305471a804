FROM python:3.12
RUN sudo -p
RUN pip install --no-cache-dir flask
