FROM debian:12 AS base
ENTRYPOINT ["/bin/sh", "-c", "exec app --serve"]
CMD ["--port", "80"]

FROM debian:12 AS other
ENTRYPOINT ["/bin/sh", "-c", "exec tool run"]

FROM other
CMD ["--verbose"]
