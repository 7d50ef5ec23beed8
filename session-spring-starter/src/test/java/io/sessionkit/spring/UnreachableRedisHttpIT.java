package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.Await;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Redis address where nothing listens (a typo, a Redis not started): the application starts, but
 * is not ready, its sessionkit health is DOWN, and an ERROR names the address without the password.
 */
@SpringBootTest(
    classes = PlainTestApp.class,
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
      "sessionkit.jwt.secret=unreachable-secret-unreachable-secret-1",
      "sessionkit.redis.connect-timeout=200ms",
      "sessionkit.redis.command-timeout=200ms",
      "sessionkit.paths.permit=/api/login,/actuator/**",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.probes.enabled=true"
    })
@ExtendWith(OutputCaptureExtension.class)
class UnreachableRedisHttpIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int DEAD_PORT = freePort();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add(
        "sessionkit.redis.url", () -> "redis://app:hunter2-password@127.0.0.1:" + DEAD_PORT);
  }

  @LocalServerPort int port;

  @Test
  void readinessIsDownHealthIsDownAndAnErrorNamesTheAddressWithoutThePassword(
      CapturedOutput output) {
    // the probe answers from the store's reachability, whatever Boot's own readiness state says
    Await.atMost(Duration.ofSeconds(10))
        .until(
            "readiness answers 503",
            () -> CookieClient.on(port).get("/actuator/health/readiness").status() == 503);
    Reply readiness = CookieClient.on(port).get("/actuator/health/readiness");
    assertThat(readiness.status()).isEqualTo(503);
    assertThat(JSON.readTree(readiness.body()).get("status").asString())
        .isEqualTo("OUT_OF_SERVICE");

    Reply health = CookieClient.on(port).get("/actuator/health");
    JsonNode component = JSON.readTree(health.body()).get("components").get("sessionKit");
    assertThat(component.get("status").asString()).isEqualTo("DOWN");
    assertThat(component.get("details").get("reached_since_start").asBoolean()).isFalse();

    // logged while this class's context started
    assertThat(output.getAll())
        .contains("the Redis session store at")
        .contains("127.0.0.1:" + DEAD_PORT)
        .contains("does not answer")
        .doesNotContain("hunter2-password");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
