FROM debian:bookworm
RUN cd /opt && tar xf app.tar
RUN export PATH=/opt/bin:$PATH && app --version
RUN BUILD_DIR=/tmp/build
RUN umask 077
RUN set -o noglob
RUN . /etc/os-release && echo "$ID"
RUN alias ll='ls -l'
RUN greet() { echo hi; } && greet
RUN trap 'rm -f /tmp/lock' EXIT && touch /tmp/lock
RUN ulimit -n 1024 && make
RUN for f in a b; do echo $f; done
RUN echo ${CACHE:=/var/cache} && echo "$CACHE"
RUN cd /srv && ./configure
