FROM eclipse-temurin:21-jre-noble
COPY target/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
