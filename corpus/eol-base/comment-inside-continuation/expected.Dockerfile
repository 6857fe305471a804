FROM \
    # the base
    debian:trixie-slim
RUN echo hi
