FROM debian:bookworm
RUN ( cd /opt && tar xf app.tar ) \
    && ( export PATH=/opt/bin:$PATH && app --version ) \
    && ( BUILD_DIR=/tmp/build ) \
    && ( umask 077 ) \
    && ( set -o noglob ) \
    && . /etc/os-release && echo "$ID"
RUN ( alias ll='ls -l' ) \
    && ( greet() { echo hi; } && greet ) \
    && ( trap 'rm -f /tmp/lock' EXIT && touch /tmp/lock ) \
    && ( ulimit -n 1024 && make ) \
    && ( for f in a b; do echo $f; done ) \
    && ( echo ${CACHE:=/var/cache} && echo "$CACHE" ) \
    && cd /srv && ./configure
