FROM alpine:3.20 AS base
WORKDIR /app
COPY lib/ /opt/lib/

FROM base
WORKDIR /opt/lib
RUN make
WORKDIR /app
