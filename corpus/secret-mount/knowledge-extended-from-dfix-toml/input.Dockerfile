FROM debian:bookworm-slim
ARG ACME_DEPLOY_KEY
RUN acme deploy --quiet
