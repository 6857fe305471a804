FROM buildpack-deps:bookworm
RUN export GNUPGHOME="$(mktemp -d)" && gpg --version && rm -rf "$GNUPGHOME"
WORKDIR /usr/local/bin
# make some useful symlinks
RUN ln -s idle3 idle \
	&& ln -s python3 python
WORKDIR /
RUN rm -rf /opt
RUN cd /opt && ls
CMD ["python3"]
