FROM buildpack-deps:bookworm
RUN export GNUPGHOME="$(mktemp -d)" && gpg --version && rm -rf "$GNUPGHOME"
# make some useful symlinks
RUN cd /usr/local/bin \
	&& ln -s idle3 idle \
	&& ln -s python3 python
RUN rm -rf /opt
RUN cd /opt && ls
CMD ["python3"]
