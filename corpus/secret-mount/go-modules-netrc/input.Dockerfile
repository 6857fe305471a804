FROM golang:1.22 AS build
ENV GOPRIVATE=github.com/acme/*
WORKDIR /src
COPY .netrc /root/.netrc
COPY go.mod go.sum ./
RUN go mod download && rm -f /root/.netrc
COPY . .
RUN go build -o /app ./cmd/app
