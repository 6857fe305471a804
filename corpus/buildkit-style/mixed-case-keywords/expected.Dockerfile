FROM golang:1.22 AS build
RUN go build ./...
FROM debian:12
COPY --from=build /out /out
HEALTHCHECK CMD true
