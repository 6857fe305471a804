ARG PY=3.11
FROM python:${PY}-slim-buster
