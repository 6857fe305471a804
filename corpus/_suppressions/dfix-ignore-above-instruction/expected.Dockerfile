FROM debian:12
LABEL maintainer="Ops <ops@example.com>"
# dfix ignore=copy-not-add
# (the archive is a plain file that must stay ADD for the build script)
ADD app.tar /opt/
COPY other.txt /opt/
# dfix ignore=DL3009,env-key-value
ENV A b
ENV C=d
