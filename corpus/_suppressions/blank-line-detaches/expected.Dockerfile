FROM debian:12
# dfix ignore=copy-not-add

COPY a.txt /a
