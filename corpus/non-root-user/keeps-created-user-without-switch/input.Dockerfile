FROM ubuntu:22.04
RUN useradd --uid 1500 --create-home worker
WORKDIR /home/worker
CMD ["bash"]
