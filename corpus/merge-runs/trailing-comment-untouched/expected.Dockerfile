FROM debian:bookworm
RUN make # builds everything
RUN make install
