from alpine:3.20
label maintainer="jane"
run true
