FROM debian:12
ENV GREETING="hello world"
