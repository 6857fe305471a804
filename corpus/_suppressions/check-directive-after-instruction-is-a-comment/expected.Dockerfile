FROM debian:12
# check=skip=all
LABEL maintainer="Ops <ops@example.com>"
