FROM debian:12
ENV KEY \
# the value
    value
