FROM debian:trixie-slim
RUN echo hi
