from python:3.12-slim
workdir /app
run pip install --upgrade setuptools \
    && python -m venv /venv
copy . .
run /venv/bin/pip install . \
    && /venv/bin/python -m compileall .
