FROM debian:12
CMD ["a"]
RUN true
CMD ["b"]