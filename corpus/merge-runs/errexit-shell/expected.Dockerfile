FROM alpine:3.20
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN apk add --no-cache curl \
    && ( cd /tmp && curl -fsSLO https://example.com/x.tgz ) \
    && { tar xzf /tmp/x.tgz; rm /tmp/x.tgz; }
RUN echo after \
    && { echo last; echo really; }
