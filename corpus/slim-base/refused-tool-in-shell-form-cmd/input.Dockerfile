FROM python:3.12
CMD git pull && python app.py
