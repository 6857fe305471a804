from python:3.12-slim as app
workdir /app
copy . .
cmd ["python", "main.py"]
