FROM debian:stretch-20230227-slim
RUN echo hi
