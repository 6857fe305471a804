FROM haskell:9.8-bullseye
COPY app /usr/local/bin/app
CMD ["app"]
