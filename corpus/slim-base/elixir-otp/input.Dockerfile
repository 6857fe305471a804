FROM elixir:1.16-otp-26
COPY _build/prod/rel/app /app
CMD ["/app/bin/app", "start"]
