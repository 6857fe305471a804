FROM fedora:30
RUN echo hi
