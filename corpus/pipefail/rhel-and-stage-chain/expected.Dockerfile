FROM registry.access.redhat.com/ubi9/ubi:9.4 AS base
RUN echo hi

FROM base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN rpm -qa | sort
