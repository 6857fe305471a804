FROM debian:12
ENV APP_HOME \
    /srv/app
