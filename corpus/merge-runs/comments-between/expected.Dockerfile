FROM ubuntu:24.04
RUN apt-get update \
# Build tools.
  # (indented comment)
    && apt-get install -y build-essential \
# Clean up.
    && rm -rf /var/lib/apt/lists/*
