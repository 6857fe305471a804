FROM rockylinux:9
COPY app /opt/app
CMD exec runuser -u nobody -- /opt/app/run
