FROM debian:bookworm
RUN mkdir -p /a; touch /a/b
RUN test -f /etc/foo || touch /etc/foo
RUN echo one;
RUN make; make install
RUN false || true
