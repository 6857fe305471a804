FROM debian:12
WORKDIR /app
COPY . /src/
RUN cd - && make
RUN cd $SRC && make
RUN (cd /src && make)
RUN make && cd /src && make install
RUN cd /src || exit 1
RUN cd /src && make || true
RUN cd /src
RUN cd -P /src && make
RUN cd "/src" && make
RUN cd /src && cd - && make
RUN cd /src && echo $OLDPWD
RUN --mount=type=bind,target=vendor cd /src && make
RUN cd /src && \
    # comment
    make
RUN cd /src 2>/dev/null && make
RUN <<EOF
cd /src && make
EOF
RUN ["sh", "-c", "cd /src && make"]
RUN cd ../src && make
