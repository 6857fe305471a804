FROM --platform=$BUILDPLATFORM alpine:3.9 AS tools
RUN echo hi
