FROM node:20
ARG NPM_TOKEN
ENV NPM_TOKEN=${NPM_TOKEN}
ENV DB_PASSWORD=postgres
RUN curl -u "$USER:$PASSWORD" https://example.com/ && git clone https://${GIT_USER}:${GIT_TOKEN}@example.com/x.git
