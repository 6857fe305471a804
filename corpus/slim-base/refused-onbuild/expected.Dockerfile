FROM ruby:3.3
ONBUILD RUN bundle install
CMD ["irb"]
