FROM debian:10-slim
RUN echo hi
