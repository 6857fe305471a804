# syntax=docker/dockerfile:1
FROM debian:bookworm
RUN --mount=type=cache,target=/var/cache/apt apt-get update
RUN apt-get install -y curl
RUN --mount=type=cache,target=/a echo a
RUN --mount=type=cache,target=/b echo b
RUN --mount=type=tmpfs,target=/scratch touch /scratch/x
RUN --mount=type=tmpfs,target=/scratch test ! -e /scratch/x
RUN --mount=type=bind,target=/src,rw touch /src/generated
RUN --mount=type=bind,target=/src,rw test ! -e /src/generated
