from alpine:3.20
workdir /app
  # comment
  run cd /tmp && wget x
cmd ["x"]
