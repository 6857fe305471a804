FROM debian:trixie-slim
COPY --from=alpine:3.24 /etc/alpine-release /x
COPY --from=0 /a /b
