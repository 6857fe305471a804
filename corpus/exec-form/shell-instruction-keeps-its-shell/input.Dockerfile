FROM debian:12 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
CMD app --serve

FROM base
ENTRYPOINT app

FROM debian:12
SHELL ["/bin/sh", "-ec"]
CMD app --serve

FROM debian:12
SHELL ["/bin/sh", "-c"]
HEALTHCHECK CMD app --check
