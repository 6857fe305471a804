FROM almalinux:8
RUN echo hi
