From golang:1.22 as build
RUN go build ./...
FROM debian:12
COPY --from=build /out /out
HealthCheck CMD true
