FROM ubuntu:24.04
WORKDIR /tmp
RUN curl -fsSLO https://example.com/tool.deb && dpkg -i tool.deb
WORKDIR /
RUN rm -rf /tmp/*
RUN cd /tmp && echo again
