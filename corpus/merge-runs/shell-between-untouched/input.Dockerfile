FROM debian:bookworm
RUN echo with sh
SHELL ["/bin/bash", "-c"]
RUN echo with bash
