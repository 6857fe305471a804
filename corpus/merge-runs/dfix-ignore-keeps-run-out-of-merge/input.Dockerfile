FROM debian:12
RUN echo one
RUN echo two
# the cache layer stays apart
# dfix ignore=merge-runs
RUN echo three
RUN echo four
RUN echo five
