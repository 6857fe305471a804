FROM alpine:3.20
RUN --mount=type=cache,target=/var/cache/apk wget -qO- https://example.com/tool.tar.gz | tar -xz -C /opt
RUN apk add --no-cache curl \
    && curl -fsSL https://example.com/install.sh \
    | sh
RUN echo one || echo two
