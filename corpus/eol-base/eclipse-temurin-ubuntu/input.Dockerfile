FROM eclipse-temurin:17-jdk-focal
RUN echo hi
