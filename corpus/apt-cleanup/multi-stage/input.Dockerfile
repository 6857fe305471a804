FROM golang:1.22 AS build
RUN apt-get update && apt-get install -y protobuf-compiler
RUN go build ./...

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y ca-certificates
COPY --from=build /app /app
