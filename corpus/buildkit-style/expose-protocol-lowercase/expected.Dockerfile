FROM nginx:1.27
EXPOSE 80/tcp 443/tcp 53/udp 8080 ${PORT}/tcp
