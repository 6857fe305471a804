# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "-m", "app"]
