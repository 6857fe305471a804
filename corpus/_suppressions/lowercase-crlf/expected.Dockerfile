from debian:12
# DFIX IGNORE=COPY-NOT-ADD
add a.txt /a
copy b.txt /b
