FROM debian:12 AS base
USER app
FROM base
RUN sudo chown app /srv
USER root
RUN chown app /srv
