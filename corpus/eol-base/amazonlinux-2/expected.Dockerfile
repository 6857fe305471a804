FROM amazonlinux:2023
RUN echo hi
