FROM python:3.12
WORKDIR /src
RUN --mount=type=secret,id=pypirc,target=/root/.pypirc pip install build twine
RUN --mount=type=secret,id=pypirc,target=/root/.pypirc python -m build && twine upload dist/*
