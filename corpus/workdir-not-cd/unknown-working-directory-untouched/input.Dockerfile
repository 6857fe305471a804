FROM golang:1.22
RUN cd /tmp && go version
RUN cd src && make
RUN go build ./...

FROM $BASE
RUN cd /tmp && ls

FROM scratch
RUN cd /tmp && ls
