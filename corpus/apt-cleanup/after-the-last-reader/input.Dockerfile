FROM debian:12
RUN apt-get update && apt-get install -y curl && apt-cache policy curl && echo done
RUN apt-get update; apt-get install -y a; apt-get install -y b || true
