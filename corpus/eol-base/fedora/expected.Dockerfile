FROM fedora:44
RUN echo hi
