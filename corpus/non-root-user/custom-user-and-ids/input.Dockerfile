FROM ubuntu:22.04
WORKDIR /work
CMD ["bash", "run.sh"]
