FROM debian:12 AS base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
CMD app --serve

FROM base
ENTRYPOINT app
