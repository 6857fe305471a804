FROM debian:12
MAINTAINER Jane \
# old address below
    jane@example.com
