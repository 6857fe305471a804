FROM debian:bookworm
RUN apt-get update && \
	apt-get install -y make && \
	rm -rf /var/lib/apt/lists/*
RUN make -C /src
# install
RUN make -C /src install
