package io.sessionkit.example;

import static io.sessionkit.example.ContractOutageIT.timed;
import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis unavailable with {@code SESSION_FALLBACK=deny}: authenticated endpoints and login answer
 * 503 (fast, never 500), and within 5 s of Redis returning everything works again.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false",
      "sessionkit.fallback=deny"
    })
@DirtiesContext
class ContractDenyOutageIT extends ContractSupport {

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @AfterEach
  void redisRuns() {
    REDIS.server().resume();
  }

  @Test
  void authenticatedEndpointsAndLoginAre503WhileRedisIsDownAndWorkWithin5sOfItsReturn() {
    String username = newUsername("deny");
    ApiClient laptop = loggedInAs(username);

    REDIS.server().pause();

    for (int i = 0; i < 3; i++) {
      assertError(timed(() -> laptop.get(AUTH + "/me")), 503, "service_unavailable");
    }
    assertError(timed(() -> laptop.get(AUTH + "/sessions")), 503, "service_unavailable");
    assertError(timed(() -> laptop.get(AUTH + "/activity")), 503, "service_unavailable");
    assertError(timed(() -> laptop.post(AUTH + "/logout", null)), 503, "service_unavailable");
    assertError(timed(() -> client().login(username, PASSWORD)), 503, "service_unavailable");
    assertThat(timed(() -> laptop.post(AUTH + "/refresh", null)).status()).isEqualTo(503);
    assertThat(timed(() -> client().get("/")).status())
        .as("the page needs no session")
        .isEqualTo(200);

    REDIS.server().resume();

    Await.atMost(Duration.ofSeconds(5))
        .until(
            "/me working again after Redis returned",
            () -> timed(() -> laptop.get(AUTH + "/me")).status() == 200);
    assertThat(client().login(username, PASSWORD).status()).isEqualTo(200);
    assertThat(json(laptop.get(AUTH + "/sessions")).get("redis_available").asBoolean()).isTrue();
    assertThat(laptop.post(AUTH + "/logout", null).status()).isEqualTo(200);
  }
}
