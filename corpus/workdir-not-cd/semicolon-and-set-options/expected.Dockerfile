FROM debian:12
COPY src/ /src/
WORKDIR /src
RUN set -eux; \
	make install
WORKDIR /usr/local/bin
RUN set -e && ls
WORKDIR /opt
RUN set -o pipefail && set +x; ls | wc -l
WORKDIR /usr/local
RUN set -ex; make
WORKDIR /usr/local/bin
RUN ls
WORKDIR /src
RUN set -- a b; cd /usr/local && ls
RUN set -eux & cd /usr/local && ls
RUN set -n; cd /usr/local && ls
RUN set -e || cd /usr/local && ls
RUN set -eux; cd /usr/local
RUN set -eux; cd /usr/local & ls
RUN set -eux; cd "$HOME" && ls
CMD ["app"]
