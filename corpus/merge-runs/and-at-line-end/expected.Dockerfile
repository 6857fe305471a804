FROM debian:bookworm
RUN apt-get update && \
	apt-get install -y make && \
	rm -rf /var/lib/apt/lists/* && \
	make -C /src && \
# install
	make -C /src install
