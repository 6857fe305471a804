from python:3.12-slim
workdir /app
copy . .
run pip install --no-cache-dir .
cmd ["python", "-m", "app"]
