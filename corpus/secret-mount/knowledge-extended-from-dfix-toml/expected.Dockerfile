FROM debian:bookworm-slim
RUN --mount=type=secret,id=acme_deploy_key export ACME_DEPLOY_KEY="$(cat /run/secrets/acme_deploy_key)" && acme deploy --quiet
