FROM openjdk:8-jdk
RUN echo hi
