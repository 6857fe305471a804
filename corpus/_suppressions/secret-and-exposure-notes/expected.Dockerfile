# check=skip=SecretsUsedInArgOrEnv
# hadolint global ignore=DL3007
FROM node:latest
# dfix ignore=admin-port
EXPOSE 22
# dfix ignore=secret-literal
ENV GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
ARG NPM_TOKEN
RUN npm ci && npm cache clean --force
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# dfix ignore=pipe-to-shell
RUN curl -fsSL https://get.example.com/install.sh | sh
ADD https://example.com/tool.tar.gz /tmp/
USER 1000:1000
