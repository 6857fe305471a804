FROM python:3.12-slim
ARG API_TOKEN
ENV API_TOKEN=$API_TOKEN
RUN pip install acme-client
CMD ["python", "-m", "acme_client"]
