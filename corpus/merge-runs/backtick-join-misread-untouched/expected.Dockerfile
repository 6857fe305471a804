FROM debian:12
RUN echo first \
    && p`r`i
RUN ` a`
RUN echo last
