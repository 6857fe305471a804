FROM alpine:3.22
RUN echo hi
