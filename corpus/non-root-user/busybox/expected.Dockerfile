FROM busybox:1.36
WORKDIR /data
COPY serve.sh /data/
RUN addgroup -S -g 10001 app && adduser -S -D -H -u 10001 -G app app && chown 10001:10001 /data
USER 10001:10001
CMD ["sh", "/data/serve.sh"]
