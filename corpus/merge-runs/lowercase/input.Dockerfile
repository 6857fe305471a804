from python:3.12-slim
workdir /app
run pip install --upgrade setuptools
run python -m venv /venv
copy . .
run /venv/bin/pip install .
run /venv/bin/python -m compileall .
