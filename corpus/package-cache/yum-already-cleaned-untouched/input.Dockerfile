FROM centos:7
RUN yum install -y httpd && yum clean all
RUN dnf --assumeyes install gcc && rm -rf /var/cache/dnf
