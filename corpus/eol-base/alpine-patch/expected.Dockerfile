FROM alpine:3.24
RUN echo hi
