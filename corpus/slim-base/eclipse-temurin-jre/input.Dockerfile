FROM eclipse-temurin:21-jdk-noble
COPY target/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
