FROM debian:12
ADD a.txt \
    b.txt \
    /dst/
