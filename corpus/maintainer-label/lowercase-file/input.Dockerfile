from alpine:3.20
maintainer jane
run true
