package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Redis unavailable, with {@code SESSION_FALLBACK=jwt-only} (the default): valid tokens keep
 * working, logins too (of accounts this instance knows; accounts are in Redis), a logout during the
 * outage holds at once and after it, and within 5 s of Redis returning the store is in use again
 * with nothing lost. Redis is frozen (SIGSTOP), the hardest case: commands time out instead of
 * failing at once. No request may answer 500 or take much longer than the command timeout.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false",
      "sessionkit.fallback=jwt-only",
      "example.admin.username=" + ContractOutageIT.ADMIN,
      "example.admin.password=" + ContractOutageIT.ADMIN_PASSWORD
    })
@DirtiesContext
class ContractOutageIT extends ContractSupport {

  static final String ADMIN = "outage-admin";
  static final String ADMIN_PASSWORD = "admin-password-1";

  /** The command timeout is 500 ms; a request may wait for it once or twice, never for long. */
  static final Duration AT_MOST = Duration.ofSeconds(2);

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
  void validTokensLoginAndLogoutWorkWhileRedisIsDownAndNothingIsLostWhenItReturns() {
    String username = newUsername("outage");
    ApiClient laptop = client().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    ApiClient phone = client().userAgent("phone");
    phone.loggedIn(username, PASSWORD);
    String phoneToken = accessToken(phone);
    ApiClient admin = client();
    admin.loggedIn(ADMIN, ADMIN_PASSWORD);

    REDIS.server().pause();

    assertThat(timed(() -> laptop.get(AUTH + "/me")).status()).isEqualTo(200);
    JsonNode list = json(timed(() -> laptop.get(AUTH + "/sessions")));
    assertThat(list.get("redis_available").asBoolean()).isFalse();
    assertThat(timed(() -> laptop.get(AUTH + "/activity")).status()).isEqualTo(200);
    ApiClient.Reply adminList =
        timed(() -> admin.get("/api/v1/admin/users/" + username + "/sessions"));
    assertThat(adminList.status()).isEqualTo(200);
    assertThat(json(adminList).get("redis_available").asBoolean()).isFalse();
    ApiClient tablet = client().userAgent("tablet");
    ApiClient.Reply login = timed(() -> tablet.login(username, PASSWORD));
    assertThat(login.status()).as("login during the outage").isEqualTo(200);
    String tabletSession = json(login).get("session_id").asString();
    assertThat(timed(() -> tablet.get(AUTH + "/me")).status()).isEqualTo(200);
    assertThat(timed(() -> phone.post(AUTH + "/logout", null)).status()).isEqualTo(200);
    assertError(
        timed(() -> client().get(AUTH + "/me", "Authorization", bearer(phoneToken))),
        401,
        "unauthorized");
    // accounts are in Redis: a new one cannot be checked for uniqueness, an unknown one not found
    ApiClient.Reply registration = timed(() -> client().register(newUsername("during"), PASSWORD));
    assertError(registration, 503, "service_unavailable");
    assertThat(registration.header("Retry-After")).isPresent();
    assertError(
        timed(() -> client().login(newUsername("nobody"), PASSWORD)), 503, "service_unavailable");
    assertThat(timed(() -> laptop.post(AUTH + "/refresh", null)).status())
        .as("refresh needs the store")
        .isIn(200, 503);
    ApiClient watch = client().userAgent("watch");
    String watchSession = json(watch.loggedIn(username, PASSWORD)).get("session_id").asString();
    assertThat(timed(() -> laptop.delete(AUTH + "/sessions/" + watchSession)).status())
        .as("revoking a device")
        .isEqualTo(204);

    REDIS.server().resume();

    JsonNode back = awaitRedis(laptop);
    assertThat(ContractIT.list(back.get("sessions")))
        .extracting(s -> s.get("session_id").asString())
        .contains(tabletSession)
        .doesNotContain(Tokens.payload(phoneToken).get("sid").asString());
    assertThat(tablet.get(AUTH + "/me").status()).isEqualTo(200);
    assertError(
        client().get(AUTH + "/me", "Authorization", bearer(phoneToken)), 401, "unauthorized");
    // what happened during the outage reaches Redis at the next reconcile interval (1 s)
    String phoneSession = Tokens.payload(phoneToken).get("sid").asString();
    Await.atMost(Duration.ofSeconds(5))
        .until(
            "the tablet's session and not the phone's in Redis",
            () -> ContractIT.scan(cli(REDIS), "session:*"),
            keys ->
                keys.stream().anyMatch(k -> k.contains(tabletSession))
                    && keys.stream().noneMatch(k -> k.contains(phoneSession)));
  }

  /** Polls {@code /sessions} until it says Redis is available, for at most 5 s. */
  static JsonNode awaitRedis(ApiClient client) {
    ApiClient.Reply back =
        Await.atMost(Duration.ofSeconds(5))
            .until(
                "redis_available true after Redis returned",
                () -> {
                  ApiClient.Reply reply = client.get(AUTH + "/sessions");
                  assertThat(reply.status()).isLessThan(500).isNotEqualTo(401);
                  return reply;
                },
                reply -> reply.status() == 200 && json(reply).get("redis_available").asBoolean());
    return json(back);
  }

  /** The reply, checked to come within {@link #AT_MOST} and never as a 500. */
  static ApiClient.Reply timed(Supplier<ApiClient.Reply> request) {
    long start = System.nanoTime();
    ApiClient.Reply reply = request.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("time taken for %s", reply).isLessThan(AT_MOST);
    assertThat(reply.status()).as("%s", reply).isNotIn(500, 502, 504);
    if (reply.status() >= 400) {
      assertErrorBody(
          json(reply),
          switch (reply.status()) {
            case 401 -> "unauthorized";
            case 503 -> "service_unavailable";
            default -> "invalid_request";
          });
    }
    return reply;
  }
}
