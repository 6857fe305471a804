FROM debian:12
LABEL maintainer="\"Jo\" \$USER \\o/"
