FROM rust:1.79 AS build
WORKDIR /src
COPY . .
RUN cargo build --release

FROM scratch
COPY --from=build /src/target/release/tool /tool
USER 65532:65532
ENTRYPOINT ["/tool"]
