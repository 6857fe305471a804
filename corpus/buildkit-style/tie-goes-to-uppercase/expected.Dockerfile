FROM debian:12
RUN true
COPY a /a
CMD ["a"]
