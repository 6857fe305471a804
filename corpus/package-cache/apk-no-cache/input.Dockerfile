FROM alpine:3.20
RUN apk add curl
RUN apk --update add --virtual .build-deps gcc musl-dev \
    && apk del .build-deps
