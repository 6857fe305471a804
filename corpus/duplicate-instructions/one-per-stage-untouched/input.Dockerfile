FROM golang:1.22 AS build
CMD ["go", "test", "./..."]
ENTRYPOINT ["/bin/sh", "-c"]
FROM debian:12
CMD ["sh"]
ONBUILD CMD ["echo", "child"]
ONBUILD ENTRYPOINT ["x"]
HEALTHCHECK CMD true
