# syntax=docker/dockerfile:1
FROM alpine:3.20
ARG GITLAB_TOKEN
RUN <<EOF
wget --header "PRIVATE-TOKEN: $GITLAB_TOKEN" https://gitlab.example.com/api/v4/projects/1/repository/archive
EOF
