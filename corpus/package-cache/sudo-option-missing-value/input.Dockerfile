FROM python:3.12
RUN sudo -p
RUN pip install flask
