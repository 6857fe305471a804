FROM ubuntu:22.04
RUN apt-get update && apt-get install -y python3-pip npm
RUN pip3 install --upgrade pip
RUN pip3 install requests
RUN npm install -g npm@10
RUN npm ci
RUN gem update --system
RUN gem install bundler
RUN npm ci
