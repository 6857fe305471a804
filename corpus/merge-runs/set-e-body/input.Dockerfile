FROM debian:bookworm
RUN echo first
RUN set -eux; mkdir /a; touch /a/b
RUN echo second
RUN set -e && mkdir /c && touch /c/d
RUN echo third
