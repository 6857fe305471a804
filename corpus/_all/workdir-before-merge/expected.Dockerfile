FROM debian:12
WORKDIR /app
COPY . /src/
RUN echo start
WORKDIR /src
RUN ./configure && make install
WORKDIR /app
RUN make check \
    && echo done
CMD ["/app/run"]
