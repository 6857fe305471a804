FROM debian:bookworm
RUN mkdir /app
WORKDIR /app
RUN touch a
ENV A=1
RUN echo $A
USER nobody
RUN id
ARG V
RUN echo $V
FROM debian:bookworm
RUN echo second stage
