FROM debian:12
RUN sh -c 'apt-get update && apt-get install curl'
RUN bash -c "apt-get update && apt-get install -y git" && echo ok
