FROM debian:bookworm
RUN --network=none make
RUN make install
RUN --network=host apt-get update
RUN --network=none true
RUN --mount=type=cache,target=/a --network=none a
RUN --network=none --mount=type=cache,target=/a a
