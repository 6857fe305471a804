FROM debian:bullseye
RUN echo hi
