FROM ruby:3.3-bookworm
WORKDIR /app
COPY . .
CMD ["ruby", "app.rb"]
