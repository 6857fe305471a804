FROM eclipse-temurin:21-jdk
COPY src /src
RUN javac -d /out /src/Main.java
CMD ["java", "-cp", "/out", "Main"]
