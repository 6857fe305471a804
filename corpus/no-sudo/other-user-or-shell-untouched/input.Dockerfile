FROM debian:12
RUN sudo -u postgres createdb app && sudo -i bash -c make && sudo su app
