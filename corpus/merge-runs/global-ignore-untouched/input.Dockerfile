FROM debian:12
# dfix global ignore=DL3059
RUN echo one
RUN echo two
