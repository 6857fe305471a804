FROM python:3.12
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir .
CMD ["app"]
