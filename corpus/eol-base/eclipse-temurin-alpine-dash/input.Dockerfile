FROM eclipse-temurin:21-jre-alpine-3.16
RUN echo hi
