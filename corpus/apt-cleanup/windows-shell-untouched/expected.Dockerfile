FROM debian:12
SHELL ["pwsh", "-Command"]
RUN apt-get update && apt-get install curl
