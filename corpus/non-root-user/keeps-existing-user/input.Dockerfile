FROM python:3.12-slim
RUN useradd --create-home appuser
WORKDIR /home/appuser
USER appuser
CMD ["python", "main.py"]
