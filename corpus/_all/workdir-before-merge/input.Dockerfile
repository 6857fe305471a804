FROM debian:12
WORKDIR /app
COPY . /src/
RUN echo start
RUN cd /src && ./configure && make install
RUN cd /app && make check
RUN echo done
CMD ["/app/run"]
