FROM golang:1.22
RUN sudo go install example.com/tool@latest
