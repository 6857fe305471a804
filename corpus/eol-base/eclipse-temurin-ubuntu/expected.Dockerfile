FROM eclipse-temurin:17-jdk-resolute
RUN echo hi
