FROM centos
RUN echo hi
