FROM eclipse-temurin:11.0.12_7-jdk-focal
RUN echo hi
