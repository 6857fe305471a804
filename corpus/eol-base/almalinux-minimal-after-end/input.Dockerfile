FROM almalinux:8-minimal
RUN echo hi
