from debian:12
# DFIX IGNORE=COPY-NOT-ADD
add a.txt /a
add b.txt /b
