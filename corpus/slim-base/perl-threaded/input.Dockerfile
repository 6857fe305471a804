FROM perl:5.40-threaded-bookworm
COPY app.pl /app.pl
CMD ["perl", "/app.pl"]
