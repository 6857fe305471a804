FROM debian:bookworm
RUN apt-get update
# hadolint ignore=DL3008
RUN apt-get install -y curl
#checkov:skip=CKV_DOCKER_9:apt is fine here
RUN apt-get install -y wget
