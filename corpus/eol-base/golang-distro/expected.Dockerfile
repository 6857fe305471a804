FROM golang:1.26-trixie
RUN echo hi
