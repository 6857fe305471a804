FROM debian:12
ADD a.txt /a
ENV A b
# dfix global ignore=copy-not-add
ADD b.txt /b
