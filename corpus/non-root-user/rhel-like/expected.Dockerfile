FROM rockylinux:9
RUN dnf install -y python3 && dnf clean all
WORKDIR /opt/service
COPY . .
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 --no-log-init --no-create-home --shell /sbin/nologin app && chown 10001:10001 /opt/service
USER 10001:10001
CMD ["python3", "service.py"]
