FROM busybox:1.36
WORKDIR /data
COPY serve.sh /data/
CMD ["sh", "/data/serve.sh"]
