FROM debian:trixie-slim
RUN --mount=type=bind,from=alpine:3.10,target=/a cp /a/x /x
