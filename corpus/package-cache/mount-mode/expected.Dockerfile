FROM python:3.12
RUN --mount=type=cache,target=/var/cache/apk,sharing=locked --mount=type=cache,target=/root/.cache/pip pip install flask && apk add curl
RUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y gcc
USER app
RUN pip install --no-cache-dir --user requests
