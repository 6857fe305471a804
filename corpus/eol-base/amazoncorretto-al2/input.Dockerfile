FROM amazoncorretto:17-al2-jdk
RUN echo hi
