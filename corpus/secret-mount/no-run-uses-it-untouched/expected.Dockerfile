FROM debian:bookworm-slim
ARG SONAR_TOKEN
COPY build.sh /
RUN /build.sh
