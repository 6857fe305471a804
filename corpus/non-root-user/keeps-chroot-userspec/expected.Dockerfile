FROM debian:bookworm
COPY rootfs /srv/jail
CMD ["chroot", "--userspec=nobody:nogroup", "/srv/jail", "/bin/app"]
