from debian:bookworm
# a tool that keeps its journal where it runs
run mkdir -p /opt/tool \
    # the script itself
    && printf '#!/bin/sh\necho "$@" >> journal.txt\nwc -l < journal.txt\n' > /opt/tool/tool \
    && chmod 755 /opt/tool/tool
workdir /var/lib/tool
run groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /usr/sbin/nologin app \
    && chown 10001:10001 /var/lib/tool
user 10001:10001
entrypoint ["/opt/tool/tool"]
cmd ["started"]
