FROM debian:12
RUN apt-get update && apt-get install -y wget \
    && wget --progress=dot:giga https://example.com/tool.tar.gz \
    && wget --progress=dot:giga -O - https://example.com/key.asc | gpg --dearmor > /usr/share/keyrings/example.gpg \
    && /usr/bin/wget --progress=dot:giga -c -O /tmp/big.iso https://example.com/big.iso
RUN sudo wget --progress=dot:giga https://example.com/other.tar.gz
RUN wget --progress=dot:giga -- -q
RUN v=1.0 && wget --progress=dot:giga https://example.com/$v/tool-runtime-$v-linux-x64.tar.gz
