FROM debian:12
CMD ["c"]