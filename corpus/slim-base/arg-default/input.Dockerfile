ARG BASE=python:3.12
FROM ${BASE}
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
