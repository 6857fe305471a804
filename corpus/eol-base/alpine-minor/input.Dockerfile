FROM alpine:3.10
RUN echo hi
