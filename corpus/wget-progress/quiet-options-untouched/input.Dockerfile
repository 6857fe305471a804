FROM ubuntu:24.04
RUN wget -q https://example.com/a
RUN wget --quiet https://example.com/a
RUN wget -nv https://example.com/a
RUN wget --no-verbose https://example.com/a
RUN wget --progress=bar:force https://example.com/a
RUN wget -qO- https://example.com/a | tar -xz
RUN wget -cnv https://example.com/a
RUN wget -o /tmp/wget.log https://example.com/a
RUN wget --output-file=/tmp/wget.log https://example.com/a
RUN wget -a /tmp/wget.log https://example.com/a
