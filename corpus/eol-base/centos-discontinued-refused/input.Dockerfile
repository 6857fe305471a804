FROM centos:7
RUN echo hi
