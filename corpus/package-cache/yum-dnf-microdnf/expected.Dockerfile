FROM centos:7
RUN yum install -y httpd && yum clean all
FROM fedora:40
RUN dnf -q install -y gcc && dnf install -y make && dnf clean all
FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y jq \
    && microdnf update -y \
    && microdnf clean all
