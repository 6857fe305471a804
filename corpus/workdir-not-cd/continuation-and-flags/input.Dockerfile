FROM alpine:3.20
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache cd /src \
    && make \
    && make install
RUN cd /src && \
    make test
