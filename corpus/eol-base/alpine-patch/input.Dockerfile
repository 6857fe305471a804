FROM alpine:3.12.4
RUN echo hi
