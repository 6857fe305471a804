FROM debian:12
ENV A=1 B="x y"
LABEL org.opencontainers.image.title="app"
ENV C=
