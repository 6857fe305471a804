# syntax=docker/dockerfile:1
ARG VERSION=1
FROM debian:12
RUN apt-get update
COPY . /src
WORKDIR /src
RUN <<EOT
run this is heredoc text, not a keyword
EOT
ONBUILD RUN make
CMD ["make"]
