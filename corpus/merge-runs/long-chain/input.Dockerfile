FROM alpine:3.20
RUN apk add --no-cache git
RUN git config --global user.name builder
RUN git config --global user.email builder@example.com
RUN mkdir -p /src
RUN git clone https://example.com/repo.git /src/repo
RUN git -C /src/repo log -1
