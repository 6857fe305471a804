FROM ubuntu:resolute
RUN echo hi
