FROM cimg/base:2024.01
RUN sudo apt-get update && sudo apt-get install -y curl
