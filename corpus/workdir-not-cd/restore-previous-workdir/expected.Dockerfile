FROM debian:12
WORKDIR /app
COPY src/ /src/
WORKDIR /src
# build it
RUN ./configure && make install
WORKDIR /app
RUN make check
