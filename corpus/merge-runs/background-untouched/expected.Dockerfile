FROM debian:bookworm
RUN dockerd-rootless.sh & sleep 5
RUN echo next
RUN service postgresql start && psql -c 'create database app'
RUN service postgresql start && psql -c 'create user app'
RUN /etc/init.d/mysql start && mysql < /init.sql
RUN echo done
