FROM ubuntu:24.04
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/x.gpg \
    && apt-get update \
    && apt-get install -y x
FROM ubuntu:24.04 AS second
RUN echo plain \
    && echo sh
