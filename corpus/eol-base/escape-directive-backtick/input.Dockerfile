# escape=`
FROM debian:stretch-slim
RUN echo a `
    && echo b
