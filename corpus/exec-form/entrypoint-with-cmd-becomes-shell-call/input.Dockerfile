FROM debian:12 AS base
ENTRYPOINT app --serve
CMD ["--port", "80"]

FROM debian:12 AS other
ENTRYPOINT tool run

FROM other
CMD ["--verbose"]
