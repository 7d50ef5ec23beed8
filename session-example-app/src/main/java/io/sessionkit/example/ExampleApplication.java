package io.sessionkit.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The reference deployment of sessionkit: users log in with a password and get a session in Redis
 * (or in memory without {@code REDIS_URL}), see their devices, revoke one, and log out everywhere.
 * Everything about sessions comes from the sessionkit starter; this app adds only what a host owns:
 * users and passwords, and the HTTP endpoints that expose them.
 */
@SpringBootApplication
@EnableConfigurationProperties(ExampleProperties.class)
public class ExampleApplication {

  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}
