FROM eclipse-temurin:21-jre-ubi9-minimal
WORKDIR /deployments
COPY target/app.jar app.jar
RUN echo 'app:x:10001:10001::/nonexistent:/sbin/nologin' >> /etc/passwd && echo 'app:x:10001:' >> /etc/group && chown 10001:10001 /deployments
USER 10001:10001
ENTRYPOINT ["java", "-jar", "app.jar"]
