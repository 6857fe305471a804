FROM debian:12
RUN apt-get update && apt-get install -y wget \
    && wget https://example.com/tool.tar.gz \
    && wget -O - https://example.com/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg \
    && /usr/bin/wget -c -O /tmp/big.iso https://example.com/big.iso
RUN sudo wget https://example.com/other.tar.gz
RUN wget -- -q
RUN v=1.0 && wget https://example.com/$v/tool-runtime-$v-linux-x64.tar.gz
