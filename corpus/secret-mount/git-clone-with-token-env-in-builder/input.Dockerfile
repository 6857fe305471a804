FROM golang:1.22 AS build
ARG GITHUB_TOKEN
ENV GITHUB_TOKEN=${GITHUB_TOKEN}
ENV GOPRIVATE=github.com/acme
RUN git clone https://x-access-token:${GITHUB_TOKEN}@github.com/acme/tools.git /src/tools \
    && cd /src/tools \
    && go build -o /out/tool ./cmd/tool

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/tool /tool
ENTRYPOINT ["/tool"]
