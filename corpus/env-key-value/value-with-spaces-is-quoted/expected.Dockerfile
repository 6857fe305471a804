FROM eclipse-temurin:21
ENV JAVA_OPTS="-Xms256m  -Xmx1g"
LABEL description="A small service"
