from debian:12 AS Base
run echo a \

    b
EXPOSE 80/TCP
from Base
