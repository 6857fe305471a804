FROM python:3.12-slim@sha256:2222222222222222222222222222222222222222222222222222222222222222
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
