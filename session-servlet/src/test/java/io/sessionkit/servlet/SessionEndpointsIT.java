package io.sessionkit.servlet;

import static io.sessionkit.servlet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RawHttp;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The session endpoints and the cookies over real HTTP, in Jetty, against a real Redis. */
@ExtendWith(RedisExtension.class)
class SessionEndpointsIT {

  private static String redisUri;
  private static TestApp app;

  @BeforeAll
  static void start(RedisServer redis) throws Exception {
    redisUri = redis.uri();
    app = TestApp.start(redisUri);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static String newUser() {
    return "user-" + UUID.randomUUID();
  }

  private static void assertError(Reply response, int status, String code) {
    assertThat(response.status()).isEqualTo(status);
    // Jetty writes its canonical lower-case charset name; charset names are case-insensitive
    assertThat(response.header("Content-Type").orElseThrow())
        .isEqualToIgnoringCase("application/json;charset=UTF-8");
    assertThat(json(response).get("error").asText()).isEqualTo(code);
    assertThat(json(response).get("message").asText()).isNotBlank();
    assertThat(json(response).size()).isEqualTo(2);
    assertThat(response.header("Cache-Control")).hasValue("no-store");
    if (status == 401) {
      assertThat(response.header("WWW-Authenticate")).hasValue("Bearer");
    }
  }

  // --- cookies

  @Test
  void loginSetsCookiesWithExactAttributes() {
    Browser.LoginResult login = new Browser(app).login(newUser());

    assertThat(login.response().setCookie("access_token").header())
        .isEqualTo(
            "access_token="
                + login.accessToken()
                + "; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(login.response().setCookie("refresh_token").header())
        .isEqualTo(
            "refresh_token="
                + login.refreshToken()
                + "; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(login.response().header("Cache-Control")).hasValue("no-store");
  }

  @Test
  void cookiesWithoutSecureOmitTheAttribute() throws Exception {
    try (TestApp own = TestApp.start(redisUri, o -> o.secureCookies = false)) {
      Browser.LoginResult login = new Browser(own).login(newUser());

      assertThat(login.response().setCookie("access_token").header())
          .isEqualTo(
              "access_token="
                  + login.accessToken()
                  + "; Max-Age=900; Path=/; HttpOnly; SameSite=Lax");
    }
  }

  @Test
  void logoutAnswersAndClearsBothCookiesWithMaxAgeZero() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    Reply response = browser.post("/api/v1/auth/logout", "");

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("message").asText()).isEqualTo("Successfully logged out");
    assertThat(json(response).size()).isEqualTo(1);
    assertThat(response.setCookie("access_token").header())
        .isEqualTo("access_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(response.setCookie("refresh_token").header())
        .isEqualTo("refresh_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void logoutByBearerEndsTheSession() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    String bearer = "Bearer " + login.accessToken();

    assertThat(new Browser(app).post("/api/v1/auth/logout", "", "Authorization", bearer).status())
        .isEqualTo(200);
    assertThat(new Browser(app).get("/api/me", "Authorization", bearer).status()).isEqualTo(401);
  }

  @Test
  void logoutAllReportsTheCountAndClearsCookies() {
    String user = newUser();
    Browser browser = new Browser(app);
    browser.login(user);
    new Browser(app).login(user);

    Reply response = browser.post("/api/v1/auth/logout-all", "");

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("message").asText())
        .isEqualTo("Successfully logged out from all sessions");
    assertThat(json(response).get("sessions_deleted").asInt()).isEqualTo(2);
    assertThat(response.setCookie("access_token").header()).contains("Max-Age=0");
    assertThat(app.manager.sessions(user).sessions()).isEmpty();
  }

  // --- refresh

  @Test
  void refreshRotatesTokensAndRewritesCookies() {
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(newUser());
    app.clock.advance(Duration.ofSeconds(1)); // a new iat, so a visibly new access token

    Reply response = browser.post("/api/v1/auth/refresh", "");

    assertThat(response.status()).isEqualTo(200);
    JsonNode json = json(response);
    assertThat(json.get("message").asText()).isEqualTo("Token refreshed");
    assertThat(json.get("session_id").asText()).isEqualTo(login.sessionId());
    assertThat(Instant.parse(json.get("access_token_expires_at").asText()))
        .isAfter(app.clock.instant());
    assertThat(json.has("access_token")).isFalse();
    assertThat(json.has("refresh_token")).isFalse();
    String newAccess = browser.cookie("access_token").orElseThrow();
    String newRefresh = browser.cookie("refresh_token").orElseThrow();
    assertThat(newAccess).isNotEqualTo(login.accessToken());
    assertThat(newRefresh).isNotEqualTo(login.refreshToken());
    assertThat(response.setCookie("access_token").header())
        .endsWith("; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(response.setCookie("refresh_token").header())
        .endsWith("; Max-Age=604799; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(json(browser.get("/api/me")).get("session_id").asText())
        .isEqualTo(login.sessionId());
  }

  @Test
  void refreshWorksWithAnExpiredAccessToken() throws Exception {
    try (TestApp own = TestApp.start(redisUri)) {
      Browser browser = new Browser(own);
      browser.login(newUser());
      own.clock.advance(Duration.ofMinutes(20));
      assertThat(browser.get("/api/me").status()).isEqualTo(401);

      assertThat(browser.post("/api/v1/auth/refresh", "").status()).isEqualTo(200);
      assertThat(browser.get("/api/me").status()).isEqualTo(200);
    }
  }

  @Test
  void reusedRefreshTokenIsRefusedAndEndsTheSession() {
    String user = newUser();
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(user);
    assertThat(browser.post("/api/v1/auth/refresh", "").status()).isEqualTo(200);
    app.clock.advance(Duration.ofSeconds(11)); // past the reuse grace

    Browser thief = new Browser(app);
    thief.setCookie("refresh_token", login.refreshToken());
    Reply response = thief.post("/api/v1/auth/refresh", "");

    assertError(response, 401, "unauthorized");
    assertThat(json(response).get("message").asText()).contains("already used");
    assertThat(response.body()).doesNotContain(login.refreshToken());
    assertThat(response.setCookie("refresh_token").header()).contains("Max-Age=0");
    assertThat(app.manager.sessions(user).sessions()).isEmpty();
    assertThat(browser.get("/api/me").status()).isEqualTo(401);
    assertThat(browser.post("/api/v1/auth/refresh", "").status()).isEqualTo(401);
  }

  @Test
  void previousRefreshTokenRetriedWithinTheGraceGetsTheSameRotatedToken() {
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(newUser());
    browser.post("/api/v1/auth/refresh", "");
    String rotated = browser.cookie("refresh_token").orElseThrow();

    Browser otherTab = new Browser(app);
    otherTab.setCookie("refresh_token", login.refreshToken());
    assertThat(otherTab.post("/api/v1/auth/refresh", "").status()).isEqualTo(200);

    assertThat(otherTab.cookie("refresh_token")).hasValue(rotated);
  }

  @Test
  void refreshByJsonBodyReturnsTheTokensInTheBody() {
    Browser.LoginResult login = new Browser(app).login(newUser());

    Reply response =
        new Browser(app)
            .post(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + login.refreshToken() + "\"}",
                "Content-Type",
                "application/json");

    assertThat(response.status()).isEqualTo(200);
    JsonNode json = json(response);
    assertThat(json.get("session_id").asText()).isEqualTo(login.sessionId());
    String access = json.get("access_token").asText();
    assertThat(json.get("refresh_token").asText()).isNotEqualTo(login.refreshToken());
    assertThat(json.get("refresh_token_expires_at").asText()).isNotBlank();
    assertThat(new Browser(app).get("/api/me", "Authorization", "Bearer " + access).status())
        .isEqualTo(200);
  }

  @Test
  void refreshWithoutTokenIsUnauthorized() {
    Reply response = new Browser(app).post("/api/v1/auth/refresh", "");

    assertError(response, 401, "unauthorized");
    assertThat(json(response).get("message").asText()).isEqualTo("Refresh token required");
  }

  @Test
  void refreshWithUnknownTokenIsUnauthorizedAndClearsCookies() {
    Browser browser = new Browser(app);
    browser.setCookie("refresh_token", "not-a-refresh-token");

    Reply response = browser.post("/api/v1/auth/refresh", "");

    assertError(response, 401, "unauthorized");
    assertThat(json(response).get("message").asText()).isEqualTo("Invalid refresh token");
    assertThat(response.setCookie("refresh_token").header()).contains("Max-Age=0");
  }

  @Test
  void refreshOfAnEndedSessionIsUnauthorizedLikeAnUnknownToken() {
    Browser browser = new Browser(app);
    browser.login(newUser());
    String refresh = browser.cookie("refresh_token").orElseThrow();
    browser.post("/api/v1/auth/logout", "");

    Browser again = new Browser(app);
    again.setCookie("refresh_token", refresh);
    Reply response = again.post("/api/v1/auth/refresh", "");

    assertError(response, 401, "unauthorized");
    assertThat(json(response).get("message").asText()).isEqualTo("Invalid refresh token");
  }

  @Test
  void refreshByBodySetsAndClearsNoCookie() {
    Browser.LoginResult login = new Browser(app).login(newUser());

    RawHttp.Answer refreshed = rawRefresh(app.origin(), "application/json", login.refreshToken());

    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(refreshed.header("Set-Cookie")).isEmpty();
    assertThat(refreshed.body()).contains("\"access_token\"", "\"refresh_token\"");
  }

  @Test
  void crossSiteTextPlainFormCannotLogTheVictimIntoTheAttackersSession() {
    // issue 9, finding 3: <form method=POST enctype=text/plain action=.../refresh> on another
    // site, whose body carries the attacker's refresh token, got 200 and the attacker's cookies
    Browser.LoginResult attacker = new Browser(app).login(newUser());

    for (String[] browser :
        List.of(
            new String[] {"https://evil.example", "cross-site"},
            new String[] {"null", "cross-site"},
            new String[] {"https://evil.example", null},
            new String[] {null, "cross-site"})) {
      RawHttp.Answer answer =
          rawRefresh(browser[0], browser[1], "text/plain", attacker.refreshToken());
      assertThat(answer.status()).as(String.join(" ", Arrays.asList(browser))).isEqualTo(403);
      assertThat(answer.header("Set-Cookie")).isEmpty();
    }
    // a browser that sends neither Origin nor Sec-Fetch-Site still cannot send JSON cross-site
    RawHttp.Answer old = rawRefresh(null, null, "text/plain", attacker.refreshToken());
    assertThat(old.status()).isEqualTo(415);
    assertThat(old.header("Set-Cookie")).isEmpty();
    // none of these rotated the attacker's token: it still refreshes once
    assertThat(rawRefresh(app.origin(), "application/json", attacker.refreshToken()).status())
        .isEqualTo(200);
  }

  @Test
  void junkTokenInABodyRefreshNeverClearsTheVictimsCookies() {
    // issue 9, finding 3: a refused refresh cleared both cookies, whatever carried the token
    for (String origin : Arrays.asList(app.origin(), "https://evil.example", null)) {
      RawHttp.Answer answer = rawRefresh(origin, "application/json", "junk");
      assertThat(answer.status()).as(String.valueOf(origin)).isIn(401, 403);
      assertThat(answer.header("Set-Cookie")).as(String.valueOf(origin)).isEmpty();
    }
  }

  @Test
  void refreshByBodyMustBeSentAsJson() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    String body = "{\"refresh_token\":\"" + login.refreshToken() + "\"}";

    for (String type :
        List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp")) {
      Reply response = new Browser(app).post("/api/v1/auth/refresh", body, "Content-Type", type);
      assertError(response, 415, "unsupported_media_type");
      assertThat(response.header("Accept")).hasValue("application/json");
    }
    Reply json =
        new Browser(app)
            .post("/api/v1/auth/refresh", body, "Content-Type", "Application/JSON; charset=utf-8");
    assertThat(json.status()).isEqualTo(200);
  }

  @Test
  void refreshByCookieFromAnotherSiteIsRefusedWithoutOriginToo() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    assertThat(browser.post("/api/v1/auth/refresh", "", "Sec-Fetch-Site", "cross-site").status())
        .isEqualTo(403);
    assertThat(
            browser
                .post("/api/v1/auth/refresh", "", "Referer", "https://evil.example/page")
                .status())
        .isEqualTo(403);
    assertThat(
            browser.post("/api/v1/auth/refresh", "", "Referer", app.origin() + "/devices").status())
        .isEqualTo(200);
  }

  @Test
  void wrongSecretForALiveSessionAndAnUnknownSessionGetTheSameAnswer() {
    // issue 9, finding 6: "Invalid refresh token" vs "Session has ended" told live ids apart
    Browser.LoginResult victim = new Browser(app).login(newUser());
    String madeUpSecret = "A".repeat(43);

    Reply live =
        new Browser(app)
            .post(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\"" + victim.sessionId() + "." + madeUpSecret + "\"}");
    Reply unknown =
        new Browser(app)
            .post(
                "/api/v1/auth/refresh",
                "{\"refresh_token\":\""
                    + "B".repeat(victim.sessionId().length())
                    + "."
                    + madeUpSecret
                    + "\"}");

    assertError(live, 401, "unauthorized");
    assertThat(live.status()).isEqualTo(unknown.status());
    assertThat(live.body()).isEqualTo(unknown.body());
    // and the victim's session is untouched
    assertThat(
            new Browser(app)
                .get("/api/me", "Authorization", "Bearer " + victim.accessToken())
                .status())
        .isEqualTo(200);
  }

  private static RawHttp.Answer rawRefresh(
      @Nullable String origin, String contentType, String token) {
    return rawRefresh(origin, null, contentType, token);
  }

  /** A refresh as a browser sends it, without cookies; a null header is left out. */
  private static RawHttp.Answer rawRefresh(
      @Nullable String origin, @Nullable String fetchSite, String contentType, String token) {
    byte[] body = ("{\"refresh_token\":\"" + token + "\"}").getBytes(StandardCharsets.US_ASCII);
    StringBuilder head =
        new StringBuilder("POST /api/v1/auth/refresh HTTP/1.1\r\nHost: 127.0.0.1:")
            .append(app.port())
            .append("\r\nContent-Type: ")
            .append(contentType)
            .append("\r\nContent-Length: ")
            .append(body.length)
            .append("\r\n");
    if (origin != null) {
      head.append("Origin: ").append(origin).append("\r\n");
    }
    if (fetchSite != null) {
      head.append("Sec-Fetch-Site: ").append(fetchSite).append("\r\nSec-Fetch-Mode: navigate\r\n");
    }
    return RawHttp.send(app.port(), head.toString().getBytes(StandardCharsets.US_ASCII), body);
  }

  @Test
  void refreshWithGarbageJsonIsABadRequest() {
    for (String body :
        List.of("{", "not json", "[1,2]", "\"x\"", "{\"refresh_token\": 7}", "{} trailing")) {
      Reply response =
          new Browser(app).post("/api/v1/auth/refresh", body, "Content-Type", "application/json");
      assertError(response, 400, "invalid_request");
    }
  }

  @Test
  void refreshWithOversizedBodyIsPayloadTooLarge() {
    String body = "{\"refresh_token\":\"" + "a".repeat(1024 * 1024) + "\"}";

    Reply response =
        new Browser(app).post("/api/v1/auth/refresh", body, "Content-Type", "application/json");

    assertError(response, 413, "payload_too_large");
  }

  @Test
  void wrongMethodOnAnEndpointIsMethodNotAllowedWithAllow() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    Reply get = browser.get("/api/v1/auth/refresh");
    assertError(get, 405, "method_not_allowed");
    assertThat(get.header("Allow")).hasValue("POST");
    assertThat(browser.get("/api/v1/auth/logout").header("Allow")).hasValue("POST");
    assertThat(browser.get("/api/v1/auth/logout-all").header("Allow")).hasValue("POST");
    assertThat(browser.post("/api/v1/auth/sessions", "").header("Allow")).hasValue("GET");
    Reply getOne = browser.get("/api/v1/auth/sessions/abc");
    assertError(getOne, 405, "method_not_allowed");
    assertThat(getOne.header("Allow")).hasValue("DELETE");
  }

  // --- sessions

  @Test
  void sessionsListsTheCallersSessionsNewestFirstMarkingTheCurrentOne() {
    String user = newUser();
    Browser first = new Browser(app);
    Browser.LoginResult firstLogin = first.login(user);
    app.clock.advance(Duration.ofSeconds(1));
    Browser second = new Browser(app);
    Browser.LoginResult secondLogin = second.login(user);
    new Browser(app).login(newUser()); // someone else

    Reply response = second.get("/api/v1/auth/sessions", "User-Agent", "ignored/1.0");

    assertThat(response.status()).isEqualTo(200);
    JsonNode json = json(response);
    assertThat(json.get("active_sessions").asInt()).isEqualTo(2);
    assertThat(json.get("redis_available").asBoolean()).isTrue();
    JsonNode sessions = json.get("sessions");
    assertThat(sessions).hasSize(2);
    assertThat(sessions.get(0).get("session_id").asText()).isEqualTo(secondLogin.sessionId());
    assertThat(sessions.get(0).get("current").asBoolean()).isTrue();
    assertThat(sessions.get(1).get("session_id").asText()).isEqualTo(firstLogin.sessionId());
    assertThat(sessions.get(1).get("current").asBoolean()).isFalse();
    assertThat(json.has("next")).isFalse();
    JsonNode item = sessions.get(0);
    List<String> fields = new ArrayList<>();
    item.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "session_id",
            "created_at",
            "last_active_at",
            "expires_at",
            "ip",
            "user_agent",
            "current");
    Instant created = Instant.parse(item.get("created_at").asText());
    assertThat(item.get("created_at").asText()).endsWith("Z");
    assertThat(Instant.parse(item.get("expires_at").asText()))
        .isEqualTo(created.plus(Duration.ofDays(7)));
    assertThat(Instant.parse(item.get("last_active_at").asText())).isAfterOrEqualTo(created);
    assertThat(item.get("ip").asText()).isEqualTo("127.0.0.1");
    assertThat(item.get("user_agent").asText()).startsWith("Java-http-client");
  }

  @Test
  void deletingOwnOtherSessionIsNoContentAndEndsIt() {
    String user = newUser();
    Browser first = new Browser(app);
    Browser.LoginResult firstLogin = first.login(user);
    Browser second = new Browser(app);
    second.login(user);

    Reply response = second.delete("/api/v1/auth/sessions/" + firstLogin.sessionId());

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    assertThat(response.setCookies()).isEmpty();
    assertThat(first.get("/api/me").status()).isEqualTo(401);
    assertThat(json(second.get("/api/v1/auth/sessions")).get("active_sessions").asInt())
        .isEqualTo(1);
  }

  @Test
  void deletingTheCurrentSessionClearsCookies() {
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(newUser());

    Reply response = browser.delete("/api/v1/auth/sessions/" + login.sessionId());

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.setCookie("access_token").header()).contains("Max-Age=0");
    assertThat(browser.cookie("access_token")).isEmpty();
  }

  @Test
  void deletingAnotherUsersSessionIsNotFoundAndLeavesItAlive() {
    Browser victim = new Browser(app);
    Browser.LoginResult victimLogin = victim.login(newUser());
    Browser attacker = new Browser(app);
    attacker.login(newUser());

    Reply response = attacker.delete("/api/v1/auth/sessions/" + victimLogin.sessionId());

    assertError(response, 404, "not_found");
    assertThat(victim.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void deletingMalformedOrUnknownIdsIsNotFound() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    // (Jetty itself answers 400 to some encodings, such as %00, before any filter runs)
    for (String id :
        List.of(
            "nope", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "a.b", "x".repeat(300), "%E2%82%AC", "%20")) {
      Reply response = browser.delete("/api/v1/auth/sessions/" + id);
      assertThat(response.status()).as(id).isEqualTo(404);
      assertError(response, 404, "not_found");
    }
  }

  @Test
  void endpointsRefuseUnauthenticatedRequestsThemselves() throws Exception {
    try (TestApp open =
        TestApp.start(
            redisUri, o -> o.pathRules = PathRules.builder().protect("/api/me").build())) {
      Browser anonymous = new Browser(open);

      assertError(anonymous.get("/api/v1/auth/sessions"), 401, "unauthorized");
      assertError(anonymous.post("/api/v1/auth/logout", ""), 401, "unauthorized");
      assertError(anonymous.post("/api/v1/auth/logout-all", ""), 401, "unauthorized");
      assertError(anonymous.delete("/api/v1/auth/sessions/abc"), 401, "unauthorized");
      assertThat(
              json(anonymous.get("/api/v1/auth/sessions", "Authorization", "Bearer x.y.z"))
                  .get("message")
                  .asText())
          .isEqualTo("Invalid access token");
    }
  }

  @Test
  void withoutTheAuthenticationFilterInFrontEndpointsRefuseEveryCaller() throws Exception {
    try (TestApp misconfigured = TestApp.start(redisUri, o -> o.withFilter = false)) {
      Browser browser = new Browser(misconfigured);
      Browser.LoginResult login = browser.login(newUser());

      assertError(browser.get("/api/v1/auth/sessions"), 401, "unauthorized");
      assertError(
          browser.post("/api/v1/auth/logout", "", "Authorization", "Bearer " + login.accessToken()),
          401,
          "unauthorized");
      // refresh needs no authentication, and checks the cookie's origin against the own origin
      assertThat(
              browser.post("/api/v1/auth/refresh", "", "Origin", "https://evil.example").status())
          .isEqualTo(403);
      assertThat(browser.post("/api/v1/auth/refresh", "").status()).isEqualTo(200);
    }
  }

  @Test
  void otherRequestsUnderTheBasePathReachTheHost() {
    Browser browser = new Browser(app);
    String user = newUser();
    browser.login(user); // POST /api/v1/auth/login is the host's servlet

    Reply me = browser.get("/api/v1/auth/me");

    assertThat(me.status()).isEqualTo(200);
    assertThat(json(me).get("user").asText()).isEqualTo(user);
  }
}
