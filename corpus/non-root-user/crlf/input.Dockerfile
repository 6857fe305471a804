FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install . \
    && pip cache purge
CMD ["python", "-m", "app"]
