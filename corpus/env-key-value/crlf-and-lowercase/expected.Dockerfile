from debian:12
env LANG=C.UTF-8
env LIST="a b"
