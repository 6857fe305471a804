FROM python:3.12-slim
RUN pip install --no-cache-dir \
    # the web server
    gunicorn \
    flask
WORKDIR /app
COPY . .

# Start the server
# on port 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
