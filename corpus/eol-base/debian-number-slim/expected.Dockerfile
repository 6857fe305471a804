FROM debian:13-slim
RUN echo hi
