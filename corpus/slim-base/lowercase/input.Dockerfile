from python:3.12 as app
workdir /app
copy . .
cmd ["python", "main.py"]
