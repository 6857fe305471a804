FROM rockylinux:8
RUN echo hi
