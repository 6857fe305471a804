FROM eclipse-temurin:21-jre-ubi9-minimal
WORKDIR /deployments
COPY target/app.jar app.jar
ENTRYPOINT ["java", "-jar", "app.jar"]
