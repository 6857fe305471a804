FROM openjdk:11-jdk-slim-bullseye
COPY target/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
