FROM eclipse-temurin:21-jre-alpine-3.24
RUN echo hi
