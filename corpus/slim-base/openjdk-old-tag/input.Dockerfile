FROM openjdk:11-jdk-bullseye
COPY target/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
