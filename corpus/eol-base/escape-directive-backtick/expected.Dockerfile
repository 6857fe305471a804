# escape=`
FROM debian:trixie-slim
RUN echo a `
    && echo b
