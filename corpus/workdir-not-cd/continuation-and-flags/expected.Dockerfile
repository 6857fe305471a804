FROM alpine:3.20
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache make \
    && make install
RUN make test
