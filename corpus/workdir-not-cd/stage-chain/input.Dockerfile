FROM alpine:3.20 AS base
WORKDIR /app
COPY lib/ /opt/lib/

FROM base
RUN cd /opt/lib && make
