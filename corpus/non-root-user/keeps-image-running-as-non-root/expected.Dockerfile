FROM bitnami/redis:7.2
COPY redis.conf /opt/bitnami/redis/mounted-etc/redis.conf
