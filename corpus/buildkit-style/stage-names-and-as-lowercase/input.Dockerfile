FROM golang:1.22 as Builder
RUN go build -o /out/app ./cmd/app
FROM Builder AS Tests
RUN go test ./...
FROM debian:12 As final
COPY --from=Builder /out/app /usr/local/bin/app
COPY --from=BUILDER /out/app /usr/local/bin/app2
RUN --mount=type=bind,from=Builder,source=/out,target=/mnt \
    --mount=type=cache,target=/root/.cache,from=tests \
    cp /mnt/app /opt/app
from alpine AS Web
