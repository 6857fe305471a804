FROM python:3.12
# Serve the docs while developing.
CMD ["python", "-m", "http.server"]
ENTRYPOINT ["/docker-entrypoint.sh"]
HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
COPY app.py /app/
cmd python \
    /app/app.py \
    --debug
ENTRYPOINT ["tini", "--"]
HEALTHCHECK NONE
CMD python /app/app.py \
    --port 8000
COPY run.sh /app/
CMD ["python", "/app/app.py"]
