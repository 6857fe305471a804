FROM golang:1.16-stretch
RUN echo hi
