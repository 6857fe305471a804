FROM debian:12
# dfix ignore=merge-runs,copy-not-add
ADD a.txt /a
# hadolint ignore=DL3008,DL3059
RUN echo one
# dfix ignore=env-key-value

# dfix global ignore=maintainer-label
ENV A=b
# check=skip=all
RUN echo two \
    # dfix ignore=no-sudo
    && echo three
