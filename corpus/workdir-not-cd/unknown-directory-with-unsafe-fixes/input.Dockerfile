FROM debian:12
RUN cd /opt/tool && make
COPY x /usr/src/x
RUN mkdir /srv/a || true
RUN cd /srv/a && ls
WORKDIR /work
RUN rm -rf /work
RUN cd /etc && ls
