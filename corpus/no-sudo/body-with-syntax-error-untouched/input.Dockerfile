FROM debian:12
RUN sudo apt-get update && sudo -E make `nproc
