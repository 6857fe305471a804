FROM centos:7
RUN yum install httpd
FROM fedora:40
RUN dnf -q install -y gcc && dnf install make
FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install jq \
    && microdnf update
