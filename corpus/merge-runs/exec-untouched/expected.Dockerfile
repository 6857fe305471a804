FROM debian:bookworm
RUN exec >/var/log/build.log && echo logged
RUN echo not logged
RUN command exec true
RUN echo end
