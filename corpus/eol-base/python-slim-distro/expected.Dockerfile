FROM python:3.11-slim-trixie
RUN echo hi
