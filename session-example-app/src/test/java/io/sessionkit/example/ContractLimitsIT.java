package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.spring.SessionKitAutoConfiguration;
import io.sessionkit.testing.MutableClock;
import io.sessionkit.testing.RedisExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The limits and lifetimes, on Redis, with a clock the tests move forward instead of sleeping: two
 * sessions per user, one-minute access tokens, a one-second refresh-reuse grace, and cookies
 * without {@code Secure} ({@code COOKIE_SECURE=false}).
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = {ExampleApplication.class, ContractLimitsIT.TestClock.class},
    properties = {
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=false",
      "sessionkit.max-sessions-per-user=2",
      "sessionkit.access-token-lifetime=1m",
      "sessionkit.refresh-reuse-grace=1s"
    })
@DirtiesContext
class ContractLimitsIT extends ContractSupport {

  /** The app's clock: real time plus an offset that only tests change. */
  static final MutableClock CLOCK = MutableClock.flowing();

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  /** Replaces the starter's clock, which backs off for a bean of this name. */
  @TestConfiguration(proxyBeanMethods = false)
  static class TestClock {
    @Bean(name = SessionKitAutoConfiguration.CLOCK_BEAN_NAME, defaultCandidate = false)
    Clock sessionKitClock() {
      return CLOCK;
    }
  }

  @Test
  void aLoginBeyondTheLimitEvictsTheOldestSession() {
    String username = newUsername("limited");
    ApiClient first = client().userAgent("first");
    first.registerAndLogin(username, PASSWORD);
    ApiClient second = client().userAgent("second");
    second.loggedIn(username, PASSWORD);
    ApiClient third = client().userAgent("third");

    ApiClient.Reply login = third.loggedIn(username, PASSWORD);

    assertThat(login.status()).isEqualTo(200);
    assertError(first.get(AUTH + "/me"), 401, "unauthorized");
    assertError(first.post(AUTH + "/refresh", null), 401, "unauthorized");
    JsonNode list = json(third.get(AUTH + "/sessions"));
    assertThat(list.get("active_sessions").asInt()).isEqualTo(2);
    assertThat(ContractIT.list(list.get("sessions")))
        .extracting(s -> s.get("user_agent").asString())
        .containsExactly("third", "second");
    assertThat(second.get(AUTH + "/me").status()).isEqualTo(200);
    // the user's index is named by the tag that starts each of the user's session ids
    String tag = json(login).get("session_id").asString().substring(0, 16);
    assertThat(cli(REDIS).zcard("user-sessions:{" + tag + "}")).isEqualTo(2);
  }

  @Test
  void cookiesAreNotSecureWhenTurnedOffButKeepTheirOtherAttributes() {
    String username = newUsername("plain-http");
    ApiClient client = client();
    client.register(username, PASSWORD);
    ApiClient.Reply login = client.loggedIn(username, PASSWORD);
    ApiClient.Reply refresh = client.post(AUTH + "/refresh", null);
    ApiClient.Reply logout = client.post(AUTH + "/logout", null);

    for (ApiClient.Reply reply : List.of(login, refresh, logout)) {
      assertThat(reply.setCookies())
          .extracting(ApiClient.SetCookie::name)
          .containsExactlyInAnyOrder("access_token", "refresh_token");
      for (ApiClient.SetCookie cookie : reply.setCookies()) {
        assertThat(cookie.has("Secure")).as("%s", cookie).isFalse();
        assertThat(cookie.has("HttpOnly")).as("%s", cookie).isTrue();
        assertThat(cookie.attribute("SameSite")).as("%s", cookie).hasValue("Lax");
        assertThat(cookie.attribute("Path")).as("%s", cookie).hasValue(cookiePath(cookie.name()));
        assertThat(cookie.has("Max-Age")).as("%s", cookie).isTrue();
      }
    }
  }

  @Test
  void theAccessTokenLivesAsLongAsConfigured() {
    ApiClient client = loggedInAs(newUsername("lifetime"));
    JsonNode claims = Tokens.payload(accessToken(client));

    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(60);
  }

  @Test
  void anExpiredAccessTokenIs401AsCookieAndAsBearerUntilRefreshed() {
    ApiClient client = loggedInAs(newUsername("expiring"));
    String token = accessToken(client);

    CLOCK.advance(Duration.ofMinutes(2)); // past the 1-minute lifetime and the 30 s allowed skew

    assertThat(assertError(client.get(AUTH + "/me"), 401, "unauthorized").get("message").asString())
        .containsIgnoringCase("expired");
    assertError(client().get(AUTH + "/me", "Authorization", bearer(token)), 401, "unauthorized");
    assertThat(client.post(AUTH + "/refresh", null).status()).isEqualTo(200);
    assertThat(client.get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void thePreviousRefreshTokenAfterTheGraceIsTheftAndEndsTheSession() {
    String username = newUsername("late-retry");
    ApiClient victim = loggedInAs(username);
    String sessionId = Tokens.payload(accessToken(victim)).get("sid").asString();
    String previous = refreshToken(victim);
    assertThat(victim.post(AUTH + "/refresh", null).status()).isEqualTo(200);
    String access = accessToken(victim);

    CLOCK.advance(Duration.ofSeconds(2)); // past the 1-second grace

    ApiClient thief = client();
    thief.setCookie("refresh_token", previous);
    assertError(thief.post(AUTH + "/refresh", null), 401, "unauthorized");
    assertError(victim.post(AUTH + "/refresh", null), 401, "unauthorized");
    assertError(client().get(AUTH + "/me", "Authorization", bearer(access)), 401, "unauthorized");
    ApiClient owner = client().userAgent("owner");
    owner.loggedIn(username, PASSWORD);
    assertThat(ContractIT.list(json(owner.get(AUTH + "/sessions")).get("sessions")))
        .extracting(s -> s.get("session_id").asString())
        .doesNotContain(sessionId);
    assertThat(ContractIT.list(json(owner.get(AUTH + "/activity")).get("events")))
        .extracting(e -> e.get("type").asString())
        .contains("refresh_reuse_detected");
  }
}
