FROM python:3.12
# Serve the docs while developing.
COPY app.py /app/
ENTRYPOINT ["tini", "--"]
HEALTHCHECK NONE
COPY run.sh /app/
CMD ["python", "/app/app.py"]
