FROM alpine:3.20
SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
RUN apk add --no-cache curl
RUN cd /tmp && curl -fsSLO https://example.com/x.tgz
RUN tar xzf /tmp/x.tgz; rm /tmp/x.tgz
RUN echo after
RUN echo last; echo really
