FROM golang:1.22
RUN go install example.com/tool@latest && chmod +x /go/bin/tool
