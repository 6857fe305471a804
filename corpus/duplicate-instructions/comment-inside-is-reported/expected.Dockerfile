FROM debian:12
CMD ["a", \
# the old way
     "b"]
CMD ["c"]
