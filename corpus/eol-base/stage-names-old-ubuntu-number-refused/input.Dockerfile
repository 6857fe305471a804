FROM ubuntu:16.04
RUN curl -fsSL https://download.example.org/xUbuntu_16.04/Release.key | apt-key add -
