FROM debian:12
RUN apt-get update && for p in curl git; do apt-get install -y $p; done && rm -rf /var/lib/apt/lists/*
RUN if [ -n "$X" ]; then apt-get update && apt-get install -y a; else apt-get update && apt-get install -y b; fi && rm -rf /var/lib/apt/lists/*; echo ok
