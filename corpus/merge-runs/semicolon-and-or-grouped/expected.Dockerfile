FROM debian:bookworm
RUN { mkdir -p /a; touch /a/b; } \
    && { test -f /etc/foo || touch /etc/foo; } \
    && { echo one; } \
    && { make; make install; } \
    && { false || true; }
