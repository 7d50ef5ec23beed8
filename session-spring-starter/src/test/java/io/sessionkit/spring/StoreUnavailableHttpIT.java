package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RedisExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A host's own controllers while Redis is stopped in deny mode: the starter answers their {@link
 * SessionStoreUnavailableException} with 503 and {@code Retry-After}, unless the host handles it.
 */
@SpringBootTest(
    classes = {PlainTestApp.class, StoreUnavailableHttpIT.OwnHandling.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
      "sessionkit.spring-security.enabled=false",
      "sessionkit.jwt.secret=plain-secret-plain-secret-plain-secret-1",
      "sessionkit.cookie.secure=false",
      "sessionkit.fallback=deny",
      "sessionkit.paths.permit=/api/login,/api/own"
    })
class StoreUnavailableHttpIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @LocalServerPort int port;

  @AfterEach
  void redisBack() {
    if (!REDIS.server().isRunning()) {
      REDIS.server().restart();
    }
  }

  @Test
  void loginInTheHostsControllerIs503WithRetryAfterWhileRedisIsStoppedInDenyMode() {
    CookieClient browser = CookieClient.on(port);
    assertThat(browser.post("/api/login?user=outage-alice", null).status()).isEqualTo(200);

    REDIS.server().stop();
    Reply login = CookieClient.on(port).post("/api/login?user=outage-bob", null);

    assertThat(login.status()).isEqualTo(503);
    assertThat(login.header("Retry-After")).contains("5");
    assertThat(login.header("Cache-Control")).contains("no-store");
    JsonNode body = JSON.readTree(login.body());
    assertThat(body.get("error").asString()).isEqualTo("service_unavailable");
    assertThat(body.get("message").asString()).isNotBlank();
    // the filter's own refusal for a protected path says the same
    Reply me = browser.get("/api/me");
    assertThat(me.status()).isEqualTo(503);
    assertThat(me.header("Retry-After")).contains("5");
  }

  @Test
  void aHostsOwnExceptionHandlerKeepsItsAnswer() {
    Reply own = CookieClient.on(port).get("/api/own");

    assertThat(own.status()).isEqualTo(502);
    assertThat(own.body()).contains("handled by the host");
  }

  /** A controller that handles the exception itself. */
  @RestController
  static class OwnHandling {

    @GetMapping("/api/own")
    Map<String, Object> own() {
      throw new SessionStoreUnavailableException("thrown by the host");
    }

    @ExceptionHandler(SessionStoreUnavailableException.class)
    ResponseEntity<Map<String, String>> unavailable(SessionStoreUnavailableException e) {
      return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
          .body(Map.of("own", "handled by the host"));
    }
  }
}
