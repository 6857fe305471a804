FROM alpine:3.20
RUN apk add --no-cache git \
    && git config --global user.name builder \
    && git config --global user.email builder@example.com \
    && mkdir -p /src \
    && git clone https://example.com/repo.git /src/repo \
    && git -C /src/repo log -1
