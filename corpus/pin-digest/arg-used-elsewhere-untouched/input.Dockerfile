ARG BASE=node:20
FROM ${BASE}
LABEL org.opencontainers.image.base.name=$BASE
FROM python:${PY_VERSION:-3.12}
