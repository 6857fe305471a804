FROM \
    # the base
    debian:stretch-slim
RUN echo hi
