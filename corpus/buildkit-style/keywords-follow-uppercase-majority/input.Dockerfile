# syntax=docker/dockerfile:1
arg VERSION=1
FROM debian:12
run apt-get update
Copy . /src
WORKDIR /src
RUN <<EOT
run this is heredoc text, not a keyword
EOT
onbuild run make
CMD ["make"]
