FROM debian:bookworm
RUN echo first \
    && { set -eux; mkdir /a; touch /a/b; }
RUN echo second \
    && ( set -e && mkdir /c && touch /c/d ) \
    && echo third
