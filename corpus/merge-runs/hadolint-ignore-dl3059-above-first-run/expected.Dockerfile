FROM debian:12
# hadolint ignore=DL3059
RUN echo one
RUN echo two \
    && echo three
