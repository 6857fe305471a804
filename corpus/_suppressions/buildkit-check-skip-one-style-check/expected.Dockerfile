# check=skip=FromAsCasing
FROM debian:12 as builder
RUN make \
    install
EXPOSE 80/tcp
# dfix ignore=ExposeProtoCasing
EXPOSE 443/TCP
FROM builder
# hadolint ignore=StageNameCasing
COPY --from=builder /a /a
