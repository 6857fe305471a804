FROM python:3.12-slim
WORKDIR /root/app
COPY . .
CMD ["python", "main.py"]
