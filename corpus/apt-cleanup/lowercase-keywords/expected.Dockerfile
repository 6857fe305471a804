from debian:12
run apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
cmd ["bash"]
