FROM debian:12
# dfix ignore=copy-not-add

ADD a.txt /a
