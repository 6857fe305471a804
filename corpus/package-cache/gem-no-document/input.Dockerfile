FROM ruby:3.3
RUN gem install bundler && gem install rails -v 7.1
RUN gem install --no-document rake && gem install -N rspec
