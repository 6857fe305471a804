FROM erlang:26.2-slim
COPY _build/prod/rel/app /app
CMD ["/app/bin/app", "start"]
