FROM debian:12
RUN apt-get update && apt-get install -y curl && apt-cache policy curl && rm -rf /var/lib/apt/lists/* && echo done
RUN apt-get update; apt-get install -y a; apt-get install -y b && rm -rf /var/lib/apt/lists/* || true
