FROM alpine:3.20
RUN apk add --no-cache openssh-client
EXPOSE 80 443 8080/tcp ${PORT}
