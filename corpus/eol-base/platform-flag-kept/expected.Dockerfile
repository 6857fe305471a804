FROM --platform=$BUILDPLATFORM alpine:3.24 AS tools
RUN echo hi
