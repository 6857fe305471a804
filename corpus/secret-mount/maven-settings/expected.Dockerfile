FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY pom.xml .
RUN --mount=type=secret,id=settings_xml,target=/root/.m2/settings.xml mvn -B dependency:go-offline
COPY src ./src
RUN mvn -B package
