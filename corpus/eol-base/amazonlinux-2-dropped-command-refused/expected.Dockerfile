FROM amazonlinux:2
RUN amazon-linux-extras install -y nginx1
