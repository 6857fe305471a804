FROM openjdk:28-ea-jdk-slim
RUN echo hi
