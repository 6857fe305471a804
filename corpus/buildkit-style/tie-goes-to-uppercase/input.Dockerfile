from debian:12
run true
COPY a /a
CMD ["a"]
