FROM erlang:26.2
COPY _build/prod/rel/app /app
CMD ["/app/bin/app", "start"]
