from python:3.12-slim
workdir /app
copy . .
run pip install --no-cache-dir .
run groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app && chown 10001:10001 /app
user 10001:10001
cmd ["python", "-m", "app"]
