FROM ubuntu:24.04 AS tool
ENTRYPOINT ['/bin/glide']
CMD ['--port', "8080", 'say "hi"']
FROM debian:12
HEALTHCHECK --interval=5s CMD ['/usr/bin/check', '-q']
FROM debian:12 AS left-alone
CMD [ -f /etc/ready ] && app
CMD ['a',]
CMD [${NPM_CLI_PACKAGE}]
CMD ['it's']
