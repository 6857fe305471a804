FROM debian:12
LABEL maintainer="ops@example.com"
CMD ["sh"]
