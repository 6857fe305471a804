FROM alpine:3.20
COPY id_rsa /root/.ssh/id_rsa
RUN GIT_SSH_COMMAND="ssh -i /root/.ssh/id_rsa -o StrictHostKeyChecking=no" git clone git@github.com:acme/x.git \
    && rm /root/.ssh/id_rsa
