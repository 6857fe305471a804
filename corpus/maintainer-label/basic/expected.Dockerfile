FROM debian:12
LABEL maintainer="Jane Doe <jane@example.com>"
RUN true
