package io.sessionkit.benchmarks.springsession;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The baseline the load comparison measures sessionkit against: the example app's hot path (log in
 * once, then {@code GET /api/v1/auth/me} with the session) written the ordinary way with Spring
 * Security and Spring Session Data Redis. {@code SESSION_REPOSITORY=default} uses Spring Session's
 * {@code RedisSessionRepository}, {@code SESSION_REPOSITORY=indexed} its {@code
 * RedisIndexedSessionRepository}.
 */
@SpringBootApplication
public class SpringSessionApp {

  public static void main(String[] args) {
    SpringApplication.run(SpringSessionApp.class, args);
  }
}
