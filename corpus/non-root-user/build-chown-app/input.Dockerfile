FROM debian:bookworm AS build
RUN mkdir /out && echo 41 > /out/counter

FROM debian:bookworm
WORKDIR /app
COPY --from=build /out/ ./
CMD ["sh", "-c", "echo $(( $(cat counter) + 1 )) > counter && cat counter"]
