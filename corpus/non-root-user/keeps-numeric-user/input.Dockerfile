FROM python:3.12-slim
USER 1000:1000
CMD ["python"]
