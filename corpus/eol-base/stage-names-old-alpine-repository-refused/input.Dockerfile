FROM alpine:3.10
RUN echo https://dl-cdn.alpinelinux.org/alpine/v3.10/community >> /etc/apk/repositories
