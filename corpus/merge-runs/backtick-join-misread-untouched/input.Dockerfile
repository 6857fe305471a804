FROM debian:12
RUN echo first
RUN p`r`i
RUN ` a`
RUN echo last
