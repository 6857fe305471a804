FROM python:3.12.1-trixie
RUN echo hi
