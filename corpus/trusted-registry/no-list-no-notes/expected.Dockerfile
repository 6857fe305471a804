FROM quay.io/acme/base:1.2
FROM registry.example.com:5000/x:1
