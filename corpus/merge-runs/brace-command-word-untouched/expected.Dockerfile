FROM debian:12
RUN make
RUN build;}m
RUN echo done \
    && echo more
