FROM python:3.12@sha256:1111111111111111111111111111111111111111111111111111111111111111
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
