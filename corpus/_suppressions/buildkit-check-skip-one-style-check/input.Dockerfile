# check=skip=FromAsCasing
FROM debian:12 as Builder
RUN make \

    install
EXPOSE 80/TCP
# dfix ignore=ExposeProtoCasing
EXPOSE 443/TCP
FROM builder
# hadolint ignore=StageNameCasing
COPY --from=Builder /a /a
