FROM ubuntu:24.04
RUN apt-get update

# Build tools.
  # (indented comment)
RUN apt-get install -y build-essential


# Clean up.
RUN rm -rf /var/lib/apt/lists/*
