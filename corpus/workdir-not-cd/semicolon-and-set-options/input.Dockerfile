FROM debian:12
COPY src/ /src/
RUN set -eux; \
	cd /src; \
	make install
WORKDIR /src
RUN set -e && cd /usr/local/bin && ls
RUN set -o pipefail && set +x; cd /opt && ls | wc -l
RUN set -ex && cd /usr/local; make
RUN cd /usr/local/bin; ls
RUN set -- a b; cd /usr/local && ls
RUN set -eux & cd /usr/local && ls
RUN set -n; cd /usr/local && ls
RUN set -e || cd /usr/local && ls
RUN set -eux; cd /usr/local
RUN set -eux; cd /usr/local & ls
RUN set -eux; cd "$HOME" && ls
CMD ["app"]
