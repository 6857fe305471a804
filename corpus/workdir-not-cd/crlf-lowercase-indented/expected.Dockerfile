from alpine:3.20
workdir /app
  workdir /tmp
  # comment
  run wget x
  workdir /app
cmd ["x"]
