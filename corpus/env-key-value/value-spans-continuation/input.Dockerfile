FROM debian:12
ENV FLAGS --one \
    --two
RUN true
