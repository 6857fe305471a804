FROM alpine:3.10 AS old
RUN apk add --no-cache python2
FROM alpine:3.11
RUN apk add --no-cache curl
