package io.sessionkit.servlet;

import static io.sessionkit.servlet.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.ClientInfo;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RawHttp;
import io.sessionkit.testing.RedisExtension;
import io.sessionkit.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The authentication filter over real HTTP, in Jetty, against a real Redis. */
@ExtendWith(RedisExtension.class)
class SessionAuthenticationFilterIT {

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

  private static void assertUnauthorized(Reply response, String message) {
    assertThat(response.status()).isEqualTo(401);
    // Jetty writes its canonical lower-case charset name; charset names are case-insensitive
    assertThat(response.header("Content-Type").orElseThrow())
        .isEqualToIgnoringCase("application/json;charset=UTF-8");
    JsonNode json = json(response);
    assertThat(json.get("error").asText()).isEqualTo("unauthorized");
    assertThat(json.get("message").asText()).isEqualTo(message);
    assertThat(json.size()).isEqualTo(2);
    assertThat(response.header("WWW-Authenticate")).hasValue("Bearer");
    assertThat(response.header("Cache-Control")).hasValue("no-store");
  }

  @Test
  void protectedPathWithoutTokenIsRefusedWithJson401() {
    Reply response = new Browser(app).get("/api/me");

    assertUnauthorized(response, "Authentication required");
    assertThat(response.setCookies()).isEmpty();
  }

  @Test
  void corsPreflightToAProtectedPathPassesToTheHostUntouched() {
    Reply preflight =
        CookieClient.on(app.port())
            .send(
                "OPTIONS",
                "/api/me",
                null,
                "Origin",
                "https://front.example",
                "Access-Control-Request-Method",
                "DELETE");

    assertThat(preflight.status()).isEqualTo(200);
    assertThat(json(preflight).get("method").asText()).isEqualTo("OPTIONS");
    assertThat(json(preflight).get("anonymous").asBoolean()).isTrue();
  }

  @Test
  void corsPreflightToAnEndpointPassesToTheHostInsteadOf405() {
    Reply preflight =
        CookieClient.on(app.port())
            .send(
                "OPTIONS",
                "/api/v1/auth/sessions",
                null,
                "Origin",
                "https://front.example",
                "Access-Control-Request-Method",
                "GET");

    // the test host has no CORS handling and answers 404 for paths it does not know
    assertThat(preflight.status()).isEqualTo(404);
  }

  @Test
  void anOptionsRequestThatIsNoPreflightStillNeedsASession() {
    Reply options =
        CookieClient.on(app.port()).send("OPTIONS", "/api/me", null, "Origin", "https://x.example");

    assertUnauthorized(options, "Authentication required");
  }

  @Test
  void publicPathPassesAnonymously() {
    Reply response = new Browser(app).get("/public/hello");

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("anonymous").asBoolean()).isTrue();
    assertThat(json(response).get("session_id").isNull()).isTrue();
  }

  @Test
  void publicPathPassesAnonymouslyWithABadToken() {
    Reply response = new Browser(app).get("/public/hello", "Authorization", "Bearer not.a.jwt");

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("anonymous").asBoolean()).isTrue();
  }

  @Test
  void publicPathSeesTheCallerWhenAToken() {
    Browser browser = new Browser(app);
    String user = newUser();
    browser.login(user);

    Reply response = browser.get("/public/hello");

    assertThat(json(response).get("user").asText()).isEqualTo(user);
  }

  @Test
  void bearerTokenAuthenticates() {
    String user = newUser();
    Browser.LoginResult login = new Browser(app).login(user);

    Reply response =
        new Browser(app).get("/api/me", "Authorization", "Bearer " + login.accessToken());

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("user").asText()).isEqualTo(user);
  }

  @Test
  void bearerSchemeIsCaseInsensitive() {
    Browser.LoginResult login = new Browser(app).login(newUser());

    Reply response =
        new Browser(app).get("/api/me", "Authorization", "bearer " + login.accessToken());

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void accessCookieAuthenticates() {
    Browser browser = new Browser(app);
    String user = newUser();
    browser.login(user);

    Reply response = browser.get("/api/me");

    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("user").asText()).isEqualTo(user);
  }

  @Test
  void principalRolesAndTypedAccessorAreExposed() {
    Browser browser = new Browser(app);
    String user = newUser();
    Browser.LoginResult login = browser.login(user, "ADMIN", "USER");

    JsonNode me = json(browser.get("/api/me"));

    assertThat(me.get("user").asText()).isEqualTo(user);
    assertThat(me.get("remote_user").asText()).isEqualTo(user);
    assertThat(me.get("admin").asBoolean()).isTrue();
    assertThat(me.get("session_id").asText()).isEqualTo(login.sessionId());
  }

  @Test
  void roleNotInTheTokenIsNotGranted() {
    Browser browser = new Browser(app);
    browser.login(newUser(), "USER");

    assertThat(json(browser.get("/api/me")).get("admin").asBoolean()).isFalse();
  }

  @Test
  void loggedOutSessionIsRejectedOnNextRequest() {
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(newUser());
    assertThat(browser.get("/api/me").status()).isEqualTo(200);

    assertThat(browser.post("/api/v1/auth/logout", "").status()).isEqualTo(200);

    assertUnauthorized(
        new Browser(app).get("/api/me", "Authorization", "Bearer " + login.accessToken()),
        "Session has ended");
  }

  @Test
  void revokedSessionIsRejectedOnNextRequest() {
    String user = newUser();
    Browser phone = new Browser(app);
    Browser laptop = new Browser(app);
    Browser.LoginResult phoneLogin = phone.login(user);
    laptop.login(user);
    assertThat(phone.get("/api/me").status()).isEqualTo(200);

    assertThat(laptop.delete("/api/v1/auth/sessions/" + phoneLogin.sessionId()).status())
        .isEqualTo(204);

    assertUnauthorized(phone.get("/api/me"), "Session has ended");
    assertThat(laptop.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void sessionRevokedThroughTheManagerIsRejectedOnNextRequest() {
    String user = newUser();
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(user);

    assertThat(app.manager.revoke(user, login.sessionId(), ClientInfo.unknown())).isTrue();

    assertUnauthorized(browser.get("/api/me"), "Session has ended");
  }

  @Test
  void logoutAllRejectsEverySessionOnNextRequest() {
    String user = newUser();
    Browser first = new Browser(app);
    Browser second = new Browser(app);
    Browser third = new Browser(app);
    first.login(user);
    Browser.LoginResult secondLogin = second.login(user);
    third.login(user);

    Reply response = first.post("/api/v1/auth/logout-all", "");
    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("sessions_deleted").asInt()).isEqualTo(3);

    assertThat(first.get("/api/me").status()).isEqualTo(401);
    assertUnauthorized(second.get("/api/me"), "Session has ended");
    assertUnauthorized(
        new Browser(app).get("/api/me", "Authorization", "Bearer " + secondLogin.accessToken()),
        "Session has ended");
    assertThat(third.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void endedSessionByCookieClearsBothCookies() {
    String user = newUser();
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(user);
    app.manager.revoke(user, login.sessionId(), ClientInfo.unknown());

    Reply response = browser.get("/api/me");

    assertUnauthorized(response, "Session has ended");
    assertThat(response.setCookie("access_token").header()).contains("Max-Age=0");
    assertThat(response.setCookie("refresh_token").header()).contains("Max-Age=0");
    assertThat(browser.cookie("access_token")).isEmpty();
    assertThat(browser.cookie("refresh_token")).isEmpty();
  }

  @Test
  void endedSessionByBearerLeavesCookiesAlone() {
    String user = newUser();
    Browser.LoginResult login = new Browser(app).login(user);
    app.manager.revoke(user, login.sessionId(), ClientInfo.unknown());

    Reply response =
        new Browser(app).get("/api/me", "Authorization", "Bearer " + login.accessToken());

    assertUnauthorized(response, "Session has ended");
    assertThat(response.setCookies()).isEmpty();
  }

  @Test
  void expiredAccessTokenIsRefusedAsExpiredWithoutClearingCookies() throws Exception {
    // a private app, since this moves its clock
    try (TestApp own = TestApp.start(redisUri)) {
      Browser browser = new Browser(own);
      Browser.LoginResult login = browser.login(newUser());
      own.clock.advance(Duration.ofMinutes(16));

      Reply response =
          new Browser(own).get("/api/me", "Authorization", "Bearer " + login.accessToken());

      assertUnauthorized(response, "Access token expired");
      assertThat(response.setCookies()).isEmpty();
    }
  }

  @Test
  void forgedTokenIsRefusedAsInvalid() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    String forged = login.accessToken().substring(0, login.accessToken().length() - 4) + "AAAA";

    assertUnauthorized(
        new Browser(app).get("/api/me", "Authorization", "Bearer " + forged),
        "Invalid access token");
  }

  @Test
  void unauthorizedAnswerNeverEchoesTheToken() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    String forged = login.accessToken() + "x";

    Reply response = new Browser(app).get("/api/me", "Authorization", "Bearer " + forged);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.body()).doesNotContain(login.accessToken());
  }

  @Test
  void bearerWinsOverCookie() {
    Browser browser = new Browser(app);
    browser.login(newUser());
    String other = newUser();
    Browser.LoginResult otherLogin = new Browser(app).login(other);

    Reply response = browser.get("/api/me", "Authorization", "Bearer " + otherLogin.accessToken());

    assertThat(json(response).get("user").asText()).isEqualTo(other);
  }

  @Test
  void concurrentRequestsEachSeeTheirOwnCaller() throws Exception {
    int users = 8;
    int requestsEach = 25;
    List<String> ids = new ArrayList<>();
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String user = newUser();
      Browser browser = new Browser(app);
      browser.login(user);
      ids.add(user);
      browsers.add(browser);
    }
    ExecutorService pool = Executors.newFixedThreadPool(users);
    try {
      List<Future<List<String>>> seen = new ArrayList<>();
      for (Browser browser : browsers) {
        seen.add(
            pool.submit(
                () -> {
                  List<String> names = new ArrayList<>();
                  for (int r = 0; r < requestsEach; r++) {
                    Reply response = browser.get("/api/me");
                    names.add(response.status() + " " + json(response).get("user").asText());
                  }
                  return names;
                }));
      }
      for (int i = 0; i < users; i++) {
        assertThat(seen.get(i).get(30, TimeUnit.SECONDS))
            .hasSize(requestsEach)
            .containsOnly("200 " + ids.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- cross-site protection

  @Test
  void cookieAuthenticatedPostFromForeignOriginIsRefused() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    Reply response = browser.post("/api/me", "", "Origin", "https://evil.example");

    assertThat(response.status()).isEqualTo(403);
    assertThat(json(response).get("error").asText()).isEqualTo("forbidden");
    assertThat(json(response).get("message").asText()).isEqualTo("Cross-site request refused");
  }

  @Test
  void cookieAuthenticatedDeleteFromForeignOriginIsRefusedAndDoesNothing() {
    String user = newUser();
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(user);

    Reply response =
        browser.delete(
            "/api/v1/auth/sessions/" + login.sessionId(), "Origin", "https://evil.example");

    assertThat(response.status()).isEqualTo(403);
    assertThat(browser.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void cookieAuthenticatedPostFromOwnOriginIsAccepted() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    Reply response = browser.post("/api/me", "", "Origin", app.origin());

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void ownOriginFollowsTheHostHeader() {
    Browser browser = new Browser(app);
    Browser.LoginResult login = browser.login(newUser());
    String head =
        "POST /api/me HTTP/1.1\r\nHost: app.example:8443\r\nOrigin: http://app.example:8443\r\n"
            + "Cookie: access_token="
            + login.accessToken()
            + "\r\nContent-Length: 0\r\n";
    String foreign =
        head.replace("Origin: http://app.example:8443", "Origin: http://127.0.0.1:" + app.port());

    assertThat(RawHttp.send(app.port(), head).status()).isEqualTo(200);
    assertThat(RawHttp.send(app.port(), foreign).status()).isEqualTo(403);
  }

  @Test
  void cookieAuthenticatedPostFromAllowedOriginIsAccepted() throws Exception {
    try (TestApp own =
        TestApp.start(
            redisUri,
            o -> o.allowedOrigins = List.of("https://app.example", "http://localhost:3000"))) {
      Browser browser = new Browser(own);
      browser.login(newUser());

      assertThat(browser.post("/api/me", "", "Origin", "https://app.example").status())
          .isEqualTo(200);
      assertThat(browser.post("/api/me", "", "Origin", "https://APP.example:443").status())
          .isEqualTo(200);
      assertThat(browser.post("/api/me", "", "Origin", "http://localhost:3000").status())
          .isEqualTo(200);
      assertThat(browser.post("/api/me", "", "Origin", "http://app.example").status())
          .isEqualTo(403);
      assertThat(browser.post("/api/me", "", "Origin", "https://app.example:8443").status())
          .isEqualTo(403);
    }
  }

  @Test
  void bearerAuthenticatedPostIsNotSubjectToTheOriginCheck() {
    Browser.LoginResult login = new Browser(app).login(newUser());

    Reply response =
        new Browser(app)
            .post(
                "/api/me",
                "",
                "Origin",
                "https://evil.example",
                "Authorization",
                "Bearer " + login.accessToken());

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void cookieAuthenticatedPostWithoutOriginIsAccepted() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    assertThat(browser.post("/api/me", "").status()).isEqualTo(200);
  }

  @Test
  void cookieAuthenticatedPostFromAnotherSiteWithoutOriginIsRefused() {
    // issue 9, finding 6: with no Origin, Sec-Fetch-Site: cross-site passed
    Browser browser = new Browser(app);
    browser.login(newUser());

    assertThat(browser.post("/api/me", "", "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
    assertThat(browser.post("/api/me", "", "Sec-Fetch-Site", "same-site").status()).isEqualTo(403);
    assertThat(browser.post("/api/me", "", "Referer", "https://evil.example/form").status())
        .isEqualTo(403);
    assertThat(
            browser
                .post(
                    "/api/me",
                    "",
                    "Referer",
                    app.origin() + "/page",
                    "Sec-Fetch-Site",
                    "same-origin")
                .status())
        .isEqualTo(200);
  }

  @Test
  void cookieAuthenticatedPostWithNullOriginIsRefused() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    assertThat(browser.post("/api/me", "", "Origin", "null").status()).isEqualTo(403);
  }

  @Test
  void cookieAuthenticatedPostWithTwoOriginsIsRefused() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    String head =
        "POST /api/me HTTP/1.1\r\nHost: 127.0.0.1:"
            + app.port()
            + "\r\nOrigin: "
            + app.origin()
            + "\r\nOrigin: "
            + app.origin()
            + "\r\nCookie: access_token="
            + login.accessToken()
            + "\r\nContent-Length: 0\r\n";

    assertThat(RawHttp.send(app.port(), head).status()).isEqualTo(403);
  }

  @Test
  void cookieAuthenticatedGetFromForeignOriginIsAccepted() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    assertThat(browser.get("/api/me", "Origin", "https://evil.example").status()).isEqualTo(200);
  }

  @Test
  void cookieAuthenticatedRefreshFromForeignOriginIsRefused() {
    Browser browser = new Browser(app);
    browser.login(newUser());

    Reply response = browser.post("/api/v1/auth/refresh", "", "Origin", "https://evil.example");

    assertThat(response.status()).isEqualTo(403);
    assertThat(browser.post("/api/v1/auth/refresh", "", "Origin", app.origin()).status())
        .isEqualTo(200);
  }

  @Test
  void refreshByCookieAloneFromForeignOriginIsRefused() {
    Browser.LoginResult login = new Browser(app).login(newUser());
    Browser browser = new Browser(app);
    browser.setCookie("refresh_token", login.refreshToken());

    assertThat(browser.post("/api/v1/auth/refresh", "", "Origin", "https://evil.example").status())
        .isEqualTo(403);
    assertThat(browser.post("/api/v1/auth/refresh", "", "Origin", "null").status()).isEqualTo(403);
    assertThat(browser.post("/api/v1/auth/refresh", "", "Origin", app.origin()).status())
        .isEqualTo(200);
  }

  // --- client information

  @Test
  void forwardedForIsHonouredOnlyFromATrustedPeer() throws Exception {
    try (TestApp trusting =
            TestApp.start(
                redisUri, o -> o.clientInfo = ClientInfoResolver.trusting(List.of("127.0.0.0/8")));
        TestApp notTrusting =
            TestApp.start(
                redisUri, o -> o.clientInfo = ClientInfoResolver.trusting(List.of("10.0.0.0/8")))) {
      assertThat(ipSeenBy(trusting, "203.0.113.7")).isEqualTo("203.0.113.7");
      assertThat(ipSeenBy(trusting, "198.51.100.1, 203.0.113.7, 127.0.0.1"))
          .isEqualTo("203.0.113.7");
      assertThat(ipSeenBy(trusting, "garbage")).isEmpty();
      assertThat(ipSeenBy(notTrusting, "203.0.113.7")).isEqualTo("127.0.0.1");
      assertThat(ipSeenBy(app, "203.0.113.7")).isEqualTo("127.0.0.1");
    }
  }

  private static String ipSeenBy(TestApp target, String forwardedFor) {
    Browser browser = new Browser(target);
    String user = newUser();
    browser.post(
        "/api/v1/auth/login?user=" + user,
        "",
        "X-Forwarded-For",
        forwardedFor,
        "User-Agent",
        "probe/1.0");
    JsonNode session = json(browser.get("/api/v1/auth/sessions")).get("sessions").get(0);
    assertThat(session.get("user_agent").asText()).isEqualTo("probe/1.0");
    return session.get("ip").asText();
  }
}
