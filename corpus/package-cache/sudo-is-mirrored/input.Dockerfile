FROM cimg/base:2024.01
RUN sudo yum install -y httpd
