FROM debian:12
WORKDIR /app
COPY src/ /src/
# build it
RUN cd /src && ./configure && make install
RUN make check
