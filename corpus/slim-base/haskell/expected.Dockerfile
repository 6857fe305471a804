FROM haskell:9.8-slim-bullseye
COPY app /usr/local/bin/app
CMD ["app"]
