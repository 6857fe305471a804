FROM ubuntu:24.04
RUN cd /tmp && curl -fsSLO https://example.com/tool.deb && dpkg -i tool.deb
RUN rm -rf /tmp/*
RUN cd /tmp && echo again
