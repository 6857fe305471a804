FROM python:3.12-slim
RUN pip install --no-cache-dir \
    # the web server
    gunicorn \
    flask
WORKDIR /app
COPY . .

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app \
    && chown 10001:10001 /app
USER 10001:10001
# Start the server
# on port 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
