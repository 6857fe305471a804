FROM rockylinux:9
RUN echo hi
