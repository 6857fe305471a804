FROM python:3.12-slim
COPY requirements.txt /build/requirements.txt
RUN cd /build && pip install -r requirements.txt
ENV APP=1
COPY app/ /srv/app/
WORKDIR /srv
CMD ["python", "-m", "app"]
