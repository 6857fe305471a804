FROM golang:1.22 AS builder
RUN go build -o /out/app ./cmd/app
FROM builder AS tests
RUN go test ./...
FROM debian:12 AS final
COPY --from=builder /out/app /usr/local/bin/app
COPY --from=builder /out/app /usr/local/bin/app2
RUN --mount=type=bind,from=builder,source=/out,target=/mnt \
    --mount=type=cache,target=/root/.cache,from=tests \
    cp /mnt/app /opt/app
FROM alpine AS web
