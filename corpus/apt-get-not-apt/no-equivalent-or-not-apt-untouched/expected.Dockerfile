FROM debian:12
RUN apt list --installed && apt show curl
RUN echo apt install && apt-get install -y curl
RUN ["apt", "install", "-y", "x"]
RUN $APT install x
