FROM ubuntu:22.04
RUN apt-get update && apt-get install -y python3-pip npm \
    && ( pip3 install --upgrade pip ) \
    && pip3 install requests \
    && ( npm install -g npm@10 ) \
    && npm ci \
    && ( gem update --system ) \
    && gem install bundler \
    && npm ci
