FROM debian:12
WORKDIR /opt/tool
RUN make
WORKDIR /
COPY x /usr/src/x
RUN mkdir /srv/a || true
WORKDIR /srv/a
RUN ls
WORKDIR /work
RUN rm -rf /work
RUN cd /etc && ls
