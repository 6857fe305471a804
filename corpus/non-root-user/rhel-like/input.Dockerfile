FROM rockylinux:9
RUN dnf install -y python3 && dnf clean all
WORKDIR /opt/service
COPY . .
CMD ["python3", "service.py"]
