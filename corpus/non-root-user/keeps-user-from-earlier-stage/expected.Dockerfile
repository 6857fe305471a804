FROM python:3.12-slim AS base
RUN groupadd -r app && useradd -r -g app app
USER app

FROM base
WORKDIR /home/app
CMD ["python", "-m", "app"]
