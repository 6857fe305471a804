FROM debian:12
ADD rootfs.tar.xz /
ADD https://example.com/tool.sh /usr/local/bin/
ADD git@github.com:org/repo.git /src
ADD $ARTIFACT /opt/
ADD dist/* /opt/
ADD --checksum=sha256:abc https://example.com/x /x
