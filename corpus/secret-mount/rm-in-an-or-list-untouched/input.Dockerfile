FROM python:3.12
COPY .netrc /root/.netrc
RUN pip install -r requirements.txt || rm /root/.netrc
