FROM debian:12
ENV MSG "a" b
