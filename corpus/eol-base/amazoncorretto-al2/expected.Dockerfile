FROM amazoncorretto:17-al2023-jdk
RUN echo hi
