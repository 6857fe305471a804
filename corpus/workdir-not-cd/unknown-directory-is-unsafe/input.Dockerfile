FROM debian:12
RUN cd /opt/tool && make
