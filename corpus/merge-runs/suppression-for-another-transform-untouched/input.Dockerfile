FROM debian:12
RUN echo one
# dfix ignore=apt-cleanup
RUN apt-get update && apt-get install -y curl
RUN echo two
# dfix global ignore=copy-not-add
RUN echo three
