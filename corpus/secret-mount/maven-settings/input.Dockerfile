FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /build
COPY settings.xml /root/.m2/settings.xml
COPY pom.xml .
RUN mvn -B dependency:go-offline && rm /root/.m2/settings.xml
COPY src ./src
RUN mvn -B package
