FROM python:3.12-slim
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
RUN pip install --index-url https://deploy:s3cr3t-pass@pypi.example.com/simple acme
RUN git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/acme/x.git
LABEL slack="xoxb-1234567890-abcdefghij"
