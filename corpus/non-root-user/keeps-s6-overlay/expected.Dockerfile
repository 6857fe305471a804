FROM alpine:3.20
ADD https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.0/s6-overlay-noarch.tar.xz /tmp
RUN tar -C / -Jxpf /tmp/s6-overlay-noarch.tar.xz
COPY services /etc/s6-overlay/s6-rc.d
ENTRYPOINT ["/init"]
