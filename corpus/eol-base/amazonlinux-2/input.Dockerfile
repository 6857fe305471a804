FROM amazonlinux:2
RUN echo hi
