FROM almalinux:10-minimal
RUN echo hi
