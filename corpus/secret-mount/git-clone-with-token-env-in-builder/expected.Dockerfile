FROM golang:1.22 AS build
ENV GOPRIVATE=github.com/acme
RUN --mount=type=secret,id=github_token \
    export GITHUB_TOKEN="$(cat /run/secrets/github_token)" && git clone https://x-access-token:${GITHUB_TOKEN}@github.com/acme/tools.git /src/tools \
    && cd /src/tools \
    && go build -o /out/tool ./cmd/tool

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/tool /tool
ENTRYPOINT ["/tool"]
