from debian:12 as base
run echo a \
    b
expose 80/tcp
from base
