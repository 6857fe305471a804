FROM debian:12
MAINTAINER ops@example.com
CMD ["sh"]
