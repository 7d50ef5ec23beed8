# The example app in a container. Build context: the repository root.
#   docker build -t sessionkit-example .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -pl session-example-app -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 sessionkit
USER sessionkit
COPY --from=build /src/session-example-app/target/sessionkit-example-app-*.jar /app/app.jar
# listen on every interface inside the container; the port is published by the runtime
ENV SERVER_ADDRESS=0.0.0.0
EXPOSE 3456
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
