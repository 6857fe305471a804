FROM python:3.12
RUN curl --version > /curl-version.txt
CMD ["cat", "/curl-version.txt"]
