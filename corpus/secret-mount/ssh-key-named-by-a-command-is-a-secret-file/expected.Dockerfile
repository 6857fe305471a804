FROM alpine:3.20
RUN --mount=type=secret,id=id_rsa,target=/root/.ssh/id_rsa \
    GIT_SSH_COMMAND="ssh -i /root/.ssh/id_rsa -o StrictHostKeyChecking=no" git clone git@github.com:acme/x.git
