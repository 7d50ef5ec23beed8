package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.sessionkit.SessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter as a consumer gets it, over real HTTP, with sessions in a private redis-server:
 * login, authenticate, refresh, logout, and a Redis outage (the server frozen with SIGSTOP).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ConsumerIT {

  /** The command timeout is 500 ms; a request during the outage may wait for it, not longer. */
  private static final Duration AT_MOST = Duration.ofSeconds(2);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @LocalServerPort int port;

  @Autowired SessionStore store;

  @AfterEach
  void redisRuns() {
    REDIS.server().resume();
  }

  @Test
  void theApplicationRunsOnTheVersionsSpringBootManages() {
    assertThat(jarOf(RedisClient.class))
        .isEqualTo("lettuce-core-" + System.getProperty("managed.lettuce.version") + ".jar");
    assertThat(jarOf(Logger.class))
        .isEqualTo("slf4j-api-" + System.getProperty("managed.slf4j.version") + ".jar");
    assertThat(store).isInstanceOf(RedisSessionStore.class);
  }

  @Test
  void loginAuthenticateRefreshAndLogout() {
    CookieClient browser = CookieClient.on(port);
    assertThat(browser.get("/api/me").status()).isEqualTo(401);

    Reply login = browser.post("/login?user=alice", null);
    assertThat(login.status()).isEqualTo(200);
    String sessionId = json(login).get("session_id").asString();
    String firstAccess = browser.cookie("access_token").orElseThrow();
    String firstRefresh = browser.cookie("refresh_token").orElseThrow();

    Reply me = browser.get("/api/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(json(me).get("user").asString()).isEqualTo("alice");
    assertThat(json(me).get("session_id").asString()).isEqualTo(sessionId);

    assertThat(browser.post("/api/v1/auth/refresh", null).status()).isEqualTo(200);
    assertThat(browser.cookie("refresh_token")).get().isNotEqualTo(firstRefresh);
    assertThat(browser.cookie("access_token")).get().isNotEqualTo(firstAccess);
    assertThat(json(browser.get("/api/me")).get("session_id").asString()).isEqualTo(sessionId);

    String access = browser.cookie("access_token").orElseThrow();
    assertThat(browser.post("/api/v1/auth/logout", null).status()).isEqualTo(200);
    assertThat(browser.cookie("access_token")).isEmpty();
    assertThat(bearer("/api/me", access).status()).isEqualTo(401);
  }

  @Test
  void aRedisOutageIsRiddenOutAndWhatHappenedReachesRedisWhenItReturns() {
    CookieClient laptop = CookieClient.on(port);
    laptop.post("/login?user=bob", null);

    REDIS.server().pause();

    assertThat(timed(() -> laptop.get("/api/me")).status()).isEqualTo(200);
    CookieClient phone = CookieClient.on(port);
    assertThat(timed(() -> phone.post("/login?user=bob", null)).status()).isEqualTo(200);
    assertThat(timed(() -> phone.get("/api/me")).status()).isEqualTo(200);
    JsonNode during = json(timed(() -> laptop.get("/api/v1/auth/sessions")));
    assertThat(during.get("redis_available").asBoolean()).isFalse();

    REDIS.server().resume();

    JsonNode after =
        Await.atMost(Duration.ofSeconds(5))
            .until(
                "both of bob's sessions listed from Redis",
                () -> json(laptop.get("/api/v1/auth/sessions")),
                list ->
                    list.get("redis_available").asBoolean()
                        && list.get("active_sessions").asInt() == 2);
    assertThat(after.get("sessions")).hasSize(2);
    assertThat(phone.get("/api/me").status()).isEqualTo(200);
  }

  /** The reply, checked to come within {@link #AT_MOST} and never as a 5xx but 503. */
  private static Reply timed(Supplier<Reply> request) {
    long start = System.nanoTime();
    Reply reply = request.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("%s", reply).isLessThan(AT_MOST);
    assertThat(reply.status()).as("%s", reply).isLessThan(500);
    return reply;
  }

  private Reply bearer(String path, String token) {
    return CookieClient.on(port).get(path, "Authorization", "Bearer " + token);
  }

  private static JsonNode json(Reply reply) {
    return JSON.readTree(reply.body());
  }

  private static String jarOf(Class<?> type) {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath())
        .getFileName()
        .toString();
  }
}
