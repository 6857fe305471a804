FROM debian:bookworm
WORKDIR /app
COPY .netrc /root/.netrc
RUN sha256sum /root/.netrc | cut -d' ' -f1 > /app/netrc.sha256 && rm /root/.netrc
CMD ["cat", "/app/netrc.sha256"]
