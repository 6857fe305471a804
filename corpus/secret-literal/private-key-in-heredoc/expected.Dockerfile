# syntax=docker/dockerfile:1
FROM alpine:3.20
COPY <<EOF /root/.ssh/id_rsa
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAA
-----END OPENSSH PRIVATE KEY-----
EOF
