package io.sessionkit.servlet;

import static io.sessionkit.servlet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.FallbackMode;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests while Redis is down, on a private redis-server that the test stops. Nothing answers 500;
 * deny mode answers 503, JWT-only mode keeps valid tokens working.
 */
class StoreOutageIT {

  private static void assertUnavailable(Reply response) {
    assertThat(response.status()).isEqualTo(503);
    assertThat(json(response).get("error").asText()).isEqualTo("service_unavailable");
    assertThat(json(response).get("message").asText()).isNotBlank();
    assertThat(response.header("Retry-After")).hasValue("5");
  }

  @Test
  void aSessionIdAloneNeverRefreshesDuringAnOutage() throws Exception {
    // issue 9, finding 1 over HTTP: during an outage, "<session id>.<any 43 characters>" rotated
    // the victim's session and handed out working tokens
    try (RedisServer redis = RedisServer.startLocal();
        TestApp issuer = TestApp.start(redis.uri(), o -> o.fallbackMode = FallbackMode.JWT_ONLY);
        TestApp other = TestApp.start(redis.uri(), o -> o.fallbackMode = FallbackMode.JWT_ONLY)) {
      Browser.LoginResult victim = new Browser(issuer).login("outage-takeover");
      String forged = "{\"refresh_token\":\"" + victim.sessionId() + "." + "A".repeat(43) + "\"}";

      redis.pause();
      try {
        // the issuing instance checks the secret as exactly as Redis would; another cannot
        Reply atTheIssuer = new Browser(issuer).post("/api/v1/auth/refresh", forged);
        Reply elsewhere = new Browser(other).post("/api/v1/auth/refresh", forged);

        assertThat(atTheIssuer.status()).isEqualTo(401);
        assertThat(json(atTheIssuer).get("message").asText()).isEqualTo("Invalid refresh token");
        assertUnavailable(elsewhere);
      } finally {
        redis.resume();
      }
      // nothing rotated or revoked: the victim's own refresh token still works
      String own = "{\"refresh_token\":\"" + victim.refreshToken() + "\"}";
      Reply refreshed =
          Await.atMost(Duration.ofSeconds(10))
              .until(
                  "the victim's refresh once Redis answers",
                  () -> new Browser(issuer).post("/api/v1/auth/refresh", own),
                  reply -> reply.status() != 503);
      assertThat(refreshed.status()).isEqualTo(200);
    }
  }

  @Test
  void denyModeAnswers503WhileRedisIsStopped() throws Exception {
    try (RedisServer redis = RedisServer.startLocal();
        TestApp app = TestApp.start(redis.uri(), o -> o.fallbackMode = FallbackMode.DENY)) {
      Browser browser = new Browser(app);
      Browser.LoginResult login = browser.login("outage-deny");
      assertThat(browser.get("/api/me").status()).isEqualTo(200);

      redis.stop();

      assertUnavailable(browser.get("/api/me"));
      assertUnavailable(
          new Browser(app).get("/api/me", "Authorization", "Bearer " + login.accessToken()));
      assertUnavailable(browser.get("/api/v1/auth/sessions"));
      assertUnavailable(browser.post("/api/v1/auth/logout", ""));
      assertUnavailable(
          browser.post(
              "/api/v1/auth/refresh", "", "Authorization", "Bearer " + login.accessToken()));
      assertUnavailable(
          new Browser(app)
              .post(
                  "/api/v1/auth/refresh", "{\"refresh_token\":\"" + login.refreshToken() + "\"}"));
      // a public path goes on anonymously, and a request without a token is still just a 401
      assertThat(json(browser.get("/public/hello")).get("anonymous").asBoolean()).isTrue();
      assertThat(new Browser(app).get("/api/me").status()).isEqualTo(401);
      // the cookies were not cleared: the session may well be alive once Redis is back
      assertThat(browser.cookie("access_token")).isPresent();
    }
  }

  @Test
  void denyModeAnswers503OnEndpointsTheFilterLetThroughAsPublic() throws Exception {
    try (RedisServer redis = RedisServer.startLocal();
        TestApp app =
            TestApp.start(
                redis.uri(),
                o -> {
                  o.fallbackMode = FallbackMode.DENY;
                  o.pathRules = PathRules.builder().protect("/api/me").build();
                })) {
      Browser browser = new Browser(app);
      browser.login("outage-deny-public");

      redis.stop();

      assertUnavailable(browser.get("/api/v1/auth/sessions"));
      assertUnavailable(browser.post("/api/v1/auth/logout-all", ""));
    }
  }

  @Test
  void jwtOnlyModeKeepsValidTokensWorkingAndListsOnlyTheOwnSession() throws Exception {
    try (RedisServer redis = RedisServer.startLocal();
        TestApp app = TestApp.start(redis.uri(), o -> o.fallbackMode = FallbackMode.JWT_ONLY)) {
      Browser browser = new Browser(app);
      Browser.LoginResult login = browser.login("outage-jwt");
      new Browser(app).login("outage-jwt");

      redis.stop();

      assertThat(browser.get("/api/me").status()).isEqualTo(200);
      Reply response = browser.get("/api/v1/auth/sessions");
      assertThat(response.status()).isEqualTo(200);
      JsonNode json = json(response);
      assertThat(json.get("redis_available").asBoolean()).isFalse();
      assertThat(json.get("active_sessions").asInt()).isEqualTo(1);
      JsonNode own = json.get("sessions").get(0);
      List<String> fields = new ArrayList<>();
      own.fieldNames().forEachRemaining(fields::add);
      assertThat(fields)
          .containsExactly(
              "session_id",
              "created_at",
              "last_active_at",
              "expires_at",
              "ip",
              "user_agent",
              "current");
      assertThat(own.get("session_id").asText()).isEqualTo(login.sessionId());
      assertThat(own.get("current").asBoolean()).isTrue();
      assertThat(own.get("created_at").isNull()).isTrue();
      assertThat(own.get("ip").isNull()).isTrue();
      // revoking one's own session is recorded on this instance and honoured at once
      assertThat(browser.delete("/api/v1/auth/sessions/" + login.sessionId()).status())
          .isEqualTo(204);
      assertThat(
              new Browser(app)
                  .get("/api/me", "Authorization", "Bearer " + login.accessToken())
                  .status())
          .isEqualTo(401);
    }
  }

  @Test
  void jwtOnlyLogoutDuringTheOutageEndsTheTokenAtOnce() throws Exception {
    try (RedisServer redis = RedisServer.startLocal();
        TestApp app = TestApp.start(redis.uri(), o -> o.fallbackMode = FallbackMode.JWT_ONLY)) {
      Browser browser = new Browser(app);
      Browser.LoginResult login = browser.login("outage-logout");

      redis.stop();

      Reply logout = browser.post("/api/v1/auth/logout", "");
      assertThat(logout.status()).isEqualTo(200);
      assertThat(logout.setCookie("access_token").header()).contains("Max-Age=0");
      assertThat(
              new Browser(app)
                  .get("/api/me", "Authorization", "Bearer " + login.accessToken())
                  .status())
          .isEqualTo(401);
    }
  }
}
