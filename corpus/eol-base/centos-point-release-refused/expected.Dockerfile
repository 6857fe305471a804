FROM centos:centos7.9.2009
RUN echo hi
