FROM golang:1.26-bullseye
RUN echo hi
