FROM debian:12
RUN apt-get update && apt-get install -y curl 2>&1 | tee /tmp/log > /dev/null && echo ok
