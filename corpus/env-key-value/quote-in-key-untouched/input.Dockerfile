FROM alpine
LABEL "-N V x
ENV "A B
