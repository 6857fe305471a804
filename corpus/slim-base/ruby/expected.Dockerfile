FROM ruby:3.3-slim-bookworm
WORKDIR /app
COPY . .
CMD ["ruby", "app.rb"]
