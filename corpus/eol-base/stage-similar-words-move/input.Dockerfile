FROM python:3.11-slim-buster
LABEL note="busterish python3.10.4"
RUN echo stretchy
