FROM debian:12
ARG SCALA_VERSION=2.13.12
RUN apt-get update && apt-get install -y curl \
    && curl -fsSLO http://downloads.example.com/scala/$SCALA_VERSION/scala-$SCALA_VERSION.deb
