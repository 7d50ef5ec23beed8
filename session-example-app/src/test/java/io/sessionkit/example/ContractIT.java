package io.sessionkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.sessionkit.testing.Await;
import io.sessionkit.testing.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The contract's endpoints over real HTTP, on the reference configuration: a private Redis, {@code
 * Secure} cookies, an admin account, three failed logins allowed, one extra allowed origin. Then
 * Redis as an operator sees it, through a connection of the test's own.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    classes = ExampleApplication.class,
    properties = {
      "sessionkit.jwt.secret=" + ContractSupport.SECRET,
      "sessionkit.cookie.secure=true",
      "example.admin.username=" + ContractIT.ADMIN,
      "example.admin.password=" + ContractIT.ADMIN_PASSWORD,
      "sessionkit.login-throttle.max-failures=3",
      "sessionkit.allowed-origins=" + ContractIT.TRUSTED_ORIGIN
    })
@DirtiesContext
class ContractIT extends ContractSupport {

  static final String ADMIN = "root-admin";
  static final String ADMIN_PASSWORD = "admin-password-1";
  static final String TRUSTED_ORIGIN = "https://trusted.example";
  static final String FOREIGN_ORIGIN = "https://evil.example";

  private static final Set<String> LIST_FIELDS =
      Set.of("active_sessions", "redis_available", "store", "sessions");
  private static final Set<String> SESSION_FIELDS =
      Set.of(
          "session_id",
          "created_at",
          "last_active_at",
          "expires_at",
          "ip",
          "user_agent",
          "current");

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.privateServer();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  // --- register ---

  @Test
  void registrationAnswers201WithTheNewUser() {
    String username = newUsername("reg");
    ApiClient.Reply reply = client().register(username, PASSWORD);

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.header("Content-Type")).get().asString().startsWith("application/json");
    JsonNode body = json(reply);
    assertThat(fieldNames(body)).containsExactly("user");
    assertUser(body.get("user"), username);
    assertThat(reply.setCookies()).isEmpty();
  }

  @Test
  void registeringATakenUsernameIsAConflictWhateverTheCase() {
    String username = newUsername("Taken.User");
    assertThat(client().register(username, PASSWORD).status()).isEqualTo(201);

    assertError(client().register(username, PASSWORD), 409, "conflict");
    assertError(
        client().register(username.toLowerCase(Locale.ROOT), "another-password"), 409, "conflict");
    assertError(client().register(username.toUpperCase(Locale.ROOT), PASSWORD), 409, "conflict");
  }

  @Test
  void registrationRefusesUsernamesOutsideTheRule() {
    for (String bad :
        List.of(
            "ab",
            "x".repeat(65),
            "with space",
            "semi;colon",
            "slash/es",
            "naïve",
            "émile",
            "",
            "a\u0000b")) {
      assertError(client().register(bad, PASSWORD), 400, "invalid_request");
    }
    // the bounds themselves are allowed (the class's Redis is its own: no earlier run took them)
    assertThat(client().register("a_Z", PASSWORD).status()).isEqualTo(201);
    assertThat(
            client()
                .register((newUsername("max") + "_".repeat(64)).substring(0, 64), PASSWORD)
                .status())
        .isEqualTo(201);
    assertThat(client().register(newUsername("A-Z_a.z-09"), PASSWORD).status()).isEqualTo(201);
  }

  @Test
  void registrationRefusesPasswordsUnderEightCharacters() {
    assertError(client().register(newUsername("pw"), "1234567"), 400, "invalid_request");
    assertError(client().register(newUsername("pw"), ""), 400, "invalid_request");
    assertThat(client().register(newUsername("pw"), "12345678").status()).isEqualTo(201);
  }

  // --- login ---

  @Test
  void loginAnswersTheUserAndSessionAndSetsBothCookies() {
    String username = newUsername("login");
    ApiClient client = client();
    client.register(username, PASSWORD);
    ApiClient.Reply reply = client.login(username, PASSWORD);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = json(reply);
    assertThat(fieldNames(body)).contains("message", "user", "session_id");
    assertThat(body.get("message").asString()).isNotBlank();
    assertUser(body.get("user"), username);
    String sessionId = body.get("session_id").asString();
    // at least 128 random bits, URL-safe
    assertThat(sessionId).matches("[A-Za-z0-9_-]{22,}");

    for (String name : List.of("access_token", "refresh_token")) {
      ApiClient.SetCookie cookie = reply.setCookie(name);
      assertThat(cookie.value()).isNotEmpty();
      assertThat(cookie.has("HttpOnly")).as("%s HttpOnly", cookie).isTrue();
      assertThat(cookie.has("Secure")).as("%s Secure", cookie).isTrue();
      assertThat(cookie.attribute("SameSite")).as("%s", cookie).hasValue("Lax");
      assertThat(cookie.attribute("Path")).as("%s", cookie).hasValue(cookiePath(name));
      assertThat(cookie.has("Domain")).isFalse();
    }
    // 15 minutes and 7 days, give or take the second the answer took
    assertThat(reply.setCookie("access_token").maxAge())
        .get()
        .satisfies(age -> assertThat(age).isBetween(890L, 900L));
    assertThat(reply.setCookie("refresh_token").maxAge())
        .get()
        .satisfies(age -> assertThat(age).isBetween(7 * 86400L - 10, 7 * 86400L));
    assertThat(reply.header("Cache-Control")).hasValue("no-store");

    JsonNode claims = Tokens.payload(accessToken(client));
    assertThat(claims.get("sid").asString()).isEqualTo(sessionId);
    assertThat(claims.get("sub").asString()).isEqualTo(body.get("user").get("id").asString());
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
  }

  @Test
  void unknownUserAndWrongPasswordGetTheSame401() {
    String username = newUsername("known");
    client().register(username, PASSWORD);

    ApiClient.Reply wrongPassword = client().login(username, "not-the-password");
    ApiClient.Reply unknownUser = client().login(newUsername("nobody"), "not-the-password");

    assertError(wrongPassword, 401, "unauthorized");
    assertError(unknownUser, 401, "unauthorized");
    assertThat(unknownUser.body()).isEqualTo(wrongPassword.body());
    assertThat(wrongPassword.setCookies()).isEmpty();
    assertThat(unknownUser.setCookies()).isEmpty();
  }

  @Test
  void loginIsCaseInsensitiveOnTheUsername() {
    String username = newUsername("Mixed.Case");
    client().register(username, PASSWORD);
    assertThat(client().login(username.toLowerCase(Locale.ROOT), PASSWORD).status()).isEqualTo(200);
  }

  // --- me ---

  @Test
  void meAnswersTheCallerAndTheirSession() {
    String username = newUsername("me");
    ApiClient client = client();
    client.register(username, PASSWORD);
    String sessionId = json(client.loggedIn(username, PASSWORD)).get("session_id").asString();

    ApiClient.Reply me = client.get(AUTH + "/me");

    assertThat(me.status()).isEqualTo(200);
    assertThat(fieldNames(json(me))).containsExactlyInAnyOrder("user", "session_id");
    assertUser(json(me).get("user"), username);
    assertThat(json(me).get("session_id").asString()).isEqualTo(sessionId);
  }

  @Test
  void everyAuthenticatedEndpointIs401WithoutAToken() {
    ApiClient anonymous = client();
    assertError(anonymous.get(AUTH + "/me"), 401, "unauthorized");
    assertError(anonymous.get(AUTH + "/sessions"), 401, "unauthorized");
    assertError(anonymous.delete(AUTH + "/sessions/abc"), 401, "unauthorized");
    assertError(anonymous.post(AUTH + "/logout", null), 401, "unauthorized");
    assertError(anonymous.post(AUTH + "/logout-all", null), 401, "unauthorized");
    assertError(anonymous.post(AUTH + "/refresh", null), 401, "unauthorized");
    assertError(anonymous.get(AUTH + "/activity"), 401, "unauthorized");
    assertError(anonymous.get("/api/v1/admin/users/" + ADMIN + "/sessions"), 401, "unauthorized");
    assertError(
        anonymous.delete("/api/v1/admin/users/" + ADMIN + "/sessions"), 401, "unauthorized");
  }

  // --- sessions ---

  @Test
  void sessionsListsEveryDeviceNewestFirstWithThisOneMarked() {
    String username = newUsername("devices");
    ApiClient laptop = client().userAgent("laptop-browser");
    laptop.registerAndLogin(username, PASSWORD);
    ApiClient phone = client().userAgent("phone-browser");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();
    ApiClient tablet = client().userAgent("tablet-browser");
    tablet.loggedIn(username, PASSWORD);

    ApiClient.Reply reply = phone.get(AUTH + "/sessions");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = json(reply);
    assertThat(fieldNames(body)).isEqualTo(LIST_FIELDS);
    assertThat(body.get("active_sessions").asInt()).isEqualTo(3);
    assertThat(body.get("redis_available").isBoolean()).isTrue();
    assertThat(body.get("redis_available").asBoolean()).isTrue();
    List<JsonNode> sessions = list(body.get("sessions"));
    assertThat(sessions).hasSize(3);
    for (JsonNode session : sessions) {
      assertThat(fieldNames(session)).isEqualTo(SESSION_FIELDS);
      assertThat(session.get("ip").asString()).isEqualTo("127.0.0.1");
      assertThat(session.get("current").isBoolean()).isTrue();
      Instant created = Instant.parse(session.get("created_at").asString());
      assertThat(Instant.parse(session.get("last_active_at").asString())).isAfterOrEqualTo(created);
      assertThat(Instant.parse(session.get("expires_at").asString()))
          .isAfter(created.plusSeconds(6 * 86400));
    }
    assertThat(sessions)
        .extracting(s -> s.get("user_agent").asString())
        .containsExactly("tablet-browser", "phone-browser", "laptop-browser");
    assertThat(sessions)
        .extracting(s -> Instant.parse(s.get("created_at").asString()))
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(sessions)
        .filteredOn(s -> s.get("current").asBoolean())
        .singleElement()
        .satisfies(s -> assertThat(s.get("session_id").asString()).isEqualTo(phoneSession));
  }

  @Test
  void deletingOneOfYourOtherSessionsIs204AndEndsIt() {
    String username = newUsername("revoke");
    ApiClient laptop = client().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    ApiClient phone = client().userAgent("phone");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();

    ApiClient.Reply reply = laptop.delete(AUTH + "/sessions/" + phoneSession);

    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.body()).isEmpty();
    assertError(phone.get(AUTH + "/me"), 401, "unauthorized");
    assertThat(json(laptop.get(AUTH + "/sessions")).get("active_sessions").asInt()).isEqualTo(1);
    assertError(laptop.delete(AUTH + "/sessions/" + phoneSession), 404, "not_found");
  }

  @Test
  void deletingYourOwnCurrentSessionIs204AndClearsTheCookies() {
    ApiClient client = loggedInAs(newUsername("self"));
    String sessionId = Tokens.payload(accessToken(client)).get("sid").asString();
    String token = accessToken(client);

    ApiClient.Reply reply = client.delete(AUTH + "/sessions/" + sessionId);

    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.setCookie("access_token").maxAge()).hasValue(0L);
    assertError(client().get(AUTH + "/me", "Authorization", bearer(token)), 401, "unauthorized");
  }

  @Test
  void deletingAnotherUsersSessionIs404AndLeavesItAlone() {
    ApiClient alice = loggedInAs(newUsername("alice"));
    ApiClient bob = loggedInAs(newUsername("bob"));
    String bobSession = Tokens.payload(accessToken(bob)).get("sid").asString();

    assertError(alice.delete(AUTH + "/sessions/" + bobSession), 404, "not_found");
    assertThat(bob.get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void deletingAnUnknownSessionIdIs404() {
    ApiClient client = loggedInAs(newUsername("unknown-id"));
    String mine = Tokens.payload(accessToken(client)).get("sid").asString();
    for (String id :
        List.of(
            "no-such-session",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            mine + "x",
            "x".repeat(300),
            "a.b",
            "%20")) {
      assertError(client.delete(AUTH + "/sessions/" + id), 404, "not_found");
    }
    assertThat(client.get(AUTH + "/me").status()).isEqualTo(200);
  }

  // --- refresh ---

  @Test
  void refreshIssuesANewAccessTokenForTheSameSessionAndRotatesTheRefreshCookie() {
    ApiClient client = loggedInAs(newUsername("refresh"));
    String oldAccess = accessToken(client);
    String oldRefresh = refreshToken(client);

    ApiClient.Reply reply = client.post(AUTH + "/refresh", null);

    assertThat(reply.status()).isEqualTo(200);
    String newAccess = reply.setCookie("access_token").value();
    String newRefresh = reply.setCookie("refresh_token").value();
    JsonNode before = Tokens.payload(oldAccess);
    JsonNode after = Tokens.payload(newAccess);
    assertThat(after.get("jti").asString()).isNotEqualTo(before.get("jti").asString());
    assertThat(after.get("sid").asString()).isEqualTo(before.get("sid").asString());
    assertThat(after.get("sub").asString()).isEqualTo(before.get("sub").asString());
    assertThat(newRefresh).isNotEqualTo(oldRefresh);
    for (ApiClient.SetCookie cookie : reply.setCookies()) {
      assertThat(cookie.has("HttpOnly")).isTrue();
      assertThat(cookie.has("Secure")).isTrue();
      assertThat(cookie.attribute("SameSite")).hasValue("Lax");
      assertThat(cookie.attribute("Path")).hasValue(cookiePath(cookie.name()));
      assertThat(cookie.maxAge()).get().satisfies(age -> assertThat(age).isPositive());
    }
    assertThat(json(client.get(AUTH + "/me")).get("session_id").asString())
        .isEqualTo(after.get("sid").asString());
    assertThat(client().get(AUTH + "/me", "Authorization", bearer(newAccess)).status())
        .isEqualTo(200);
  }

  @Test
  void retryingThePreviousRefreshTokenWithinTheGraceGetsTheSameRotatedToken() {
    ApiClient tab = loggedInAs(newUsername("two-tabs"));
    String first = refreshToken(tab);
    String rotated = tab.post(AUTH + "/refresh", null).setCookie("refresh_token").value();

    // the second tab (or a lost answer) presents the token that was just rotated
    ApiClient otherTab = client();
    otherTab.setCookie("refresh_token", first);
    ApiClient.Reply retry = otherTab.post(AUTH + "/refresh", null);

    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.setCookie("refresh_token").value()).isEqualTo(rotated);
    ApiClient.Reply again =
        otherTab.post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + first);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.setCookie("refresh_token").value()).isEqualTo(rotated);
    assertThat(tab.get(AUTH + "/me").status()).isEqualTo(200);
    assertThat(otherTab.get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void presentingAnOlderRefreshTokenIsTheftAndEndsTheSession() {
    String username = newUsername("theft");
    ApiClient victim = loggedInAs(username);
    String sessionId = Tokens.payload(accessToken(victim)).get("sid").asString();
    String stolen = refreshToken(victim);
    assertThat(victim.post(AUTH + "/refresh", null).status()).isEqualTo(200);
    assertThat(victim.post(AUTH + "/refresh", null).status()).isEqualTo(200);
    String accessAfter = accessToken(victim);

    ApiClient thief = client();
    thief.setCookie("refresh_token", stolen);
    ApiClient.Reply reuse = thief.post(AUTH + "/refresh", null);

    assertError(reuse, 401, "unauthorized");
    assertThat(reuse.setCookie("refresh_token").maxAge()).hasValue(0L);
    assertError(
        client().get(AUTH + "/me", "Authorization", bearer(accessAfter)), 401, "unauthorized");
    assertError(victim.post(AUTH + "/refresh", null), 401, "unauthorized");
    ApiClient other = client();
    other.loggedIn(username, PASSWORD);
    assertThat(list(json(other.get(AUTH + "/sessions")).get("sessions")))
        .extracting(s -> s.get("session_id").asString())
        .doesNotContain(sessionId);
  }

  @Test
  void refreshWithoutAValidRefreshTokenIs401() {
    assertError(client().post(AUTH + "/refresh", null), 401, "unauthorized");
    ApiClient forged = client();
    forged.setCookie("refresh_token", "not-a-refresh-token");
    assertError(forged.post(AUTH + "/refresh", null), 401, "unauthorized");
  }

  // --- logout, logout-all ---

  @Test
  void logoutAnswers200ClearsBothCookiesAndEndsTheSession() {
    ApiClient client = loggedInAs(newUsername("logout"));
    String access = accessToken(client);
    String refresh = refreshToken(client);

    ApiClient.Reply reply = client.post(AUTH + "/logout", null);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(json(reply))).containsExactly("message");
    assertThat(json(reply).get("message").asString()).isNotBlank();
    for (String name : List.of("access_token", "refresh_token")) {
      ApiClient.SetCookie cleared = reply.setCookie(name);
      assertThat(cleared.value()).isEmpty();
      assertThat(cleared.maxAge()).hasValue(0L);
      assertThat(cleared.attribute("Path")).hasValue(cookiePath(name));
      assertThat(cleared.has("HttpOnly")).isTrue();
    }
    assertError(client().get(AUTH + "/me", "Authorization", bearer(access)), 401, "unauthorized");
    assertError(
        client().get(AUTH + "/me", "Cookie", "access_token=" + access), 401, "unauthorized");
    assertError(
        client().post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + refresh),
        401,
        "unauthorized");
  }

  @Test
  void logoutAllEndsEverySessionOfTheUserAndNoOneElses() {
    String username = newUsername("everywhere");
    ApiClient laptop = client().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD);
    List<String> tokens = new ArrayList<>(List.of(accessToken(laptop)));
    for (String device : List.of("phone", "tablet")) {
      ApiClient other = client().userAgent(device);
      other.loggedIn(username, PASSWORD);
      tokens.add(accessToken(other));
    }
    ApiClient bystander = loggedInAs(newUsername("bystander"));

    ApiClient.Reply reply = laptop.post(AUTH + "/logout-all", null);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(json(reply))).containsExactlyInAnyOrder("message", "sessions_deleted");
    assertThat(json(reply).get("message").asString())
        .isEqualTo("Successfully logged out from all sessions");
    assertThat(json(reply).get("sessions_deleted").isIntegralNumber()).isTrue();
    assertThat(json(reply).get("sessions_deleted").asInt()).isEqualTo(3);
    for (String token : tokens) {
      assertError(client().get(AUTH + "/me", "Authorization", bearer(token)), 401, "unauthorized");
    }
    assertThat(bystander.get(AUTH + "/me").status()).isEqualTo(200);
  }

  // --- activity ---

  @Test
  void activityListsEveryKindOfEventNewestFirst() {
    String username = newUsername("activity");
    ApiClient laptop = client().userAgent("laptop");
    laptop.registerAndLogin(username, PASSWORD); // login, new_device_login
    assertThat(client().login(username, "wrong-password").status()).isEqualTo(401); // login_failed
    ApiClient phone = client().userAgent("phone");
    String phoneSession = json(phone.loggedIn(username, PASSWORD)).get("session_id").asString();
    assertThat(laptop.delete(AUTH + "/sessions/" + phoneSession).status())
        .isEqualTo(204); // session_revoked
    ApiClient tablet = client().userAgent("tablet");
    tablet.loggedIn(username, PASSWORD);
    String stolen = refreshToken(tablet);
    tablet.post(AUTH + "/refresh", null);
    tablet.post(AUTH + "/refresh", null);
    assertThat(client().post(AUTH + "/refresh", null, "Cookie", "refresh_token=" + stolen).status())
        .isEqualTo(401); // refresh_reuse_detected
    assertThat(laptop.post(AUTH + "/logout", null).status()).isEqualTo(200); // logout
    ApiClient reader = client().userAgent("reader");
    reader.loggedIn(username, PASSWORD);

    ApiClient.Reply reply = reader.get(AUTH + "/activity");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(fieldNames(json(reply))).containsExactly("events");
    List<JsonNode> events = list(json(reply).get("events"));
    for (JsonNode event : events) {
      assertThat(fieldNames(event))
          .containsExactlyInAnyOrder("type", "at", "ip", "user_agent", "session_id");
    }
    assertThat(events)
        .extracting(e -> e.get("type").asString())
        .contains(
            "login",
            "login_failed",
            "logout",
            "session_revoked",
            "new_device_login",
            "refresh_reuse_detected");
    List<Instant> times = events.stream().map(e -> Instant.parse(e.get("at").asString())).toList();
    assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
    // newest first: the reader's own login is at the top, the first login at the bottom
    assertThat(events.get(0).get("user_agent").asString()).isEqualTo("reader");
    assertThat(events.get(events.size() - 1).get("type").asString())
        .isIn("login", "new_device_login");
    assertThat(events)
        .filteredOn(e -> e.get("type").asString().equals("login_failed"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("ip").asString()).isEqualTo("127.0.0.1");
              assertThat(e.get("session_id").isNull()).isTrue();
            });
    // revoked by the laptop; the session ended for the reuse is reported as revoked too
    assertThat(events)
        .filteredOn(
            e ->
                e.get("type").asString().equals("session_revoked")
                    && e.get("session_id").asString().equals(phoneSession))
        .singleElement()
        .satisfies(e -> assertThat(e.get("user_agent").asString()).isEqualTo("laptop"));
  }

  // --- admin ---

  @Test
  void anAdminSeesAndEndsAnyUsersSessions() {
    String username = newUsername("managed");
    ApiClient user = client().userAgent("laptop");
    user.registerAndLogin(username, PASSWORD);
    client().userAgent("phone").loggedIn(username, PASSWORD);
    ApiClient admin = client();
    admin.loggedIn(ADMIN, ADMIN_PASSWORD);

    ApiClient.Reply listed = admin.get("/api/v1/admin/users/" + username + "/sessions");

    assertThat(listed.status()).isEqualTo(200);
    assertThat(fieldNames(json(listed))).isEqualTo(LIST_FIELDS);
    assertThat(json(listed).get("active_sessions").asInt()).isEqualTo(2);
    assertThat(json(listed).get("redis_available").asBoolean()).isTrue();
    assertThat(list(json(listed).get("sessions")))
        .allSatisfy(
            s -> {
              assertThat(fieldNames(s)).isEqualTo(SESSION_FIELDS);
              assertThat(s.get("current").asBoolean()).isFalse();
            });
    assertThat(list(json(listed).get("sessions")))
        .extracting(s -> s.get("user_agent").asString())
        .containsExactly("phone", "laptop");
    // usernames are case-insensitive here too
    assertThat(
            admin
                .get("/api/v1/admin/users/" + username.toUpperCase(Locale.ROOT) + "/sessions")
                .status())
        .isEqualTo(200);

    ApiClient.Reply deleted = admin.delete("/api/v1/admin/users/" + username + "/sessions");

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(fieldNames(json(deleted))).containsExactly("sessions_deleted");
    assertThat(json(deleted).get("sessions_deleted").asInt()).isEqualTo(2);
    assertError(user.get(AUTH + "/me"), 401, "unauthorized");
    assertThat(
            json(admin.get("/api/v1/admin/users/" + username + "/sessions"))
                .get("active_sessions")
                .asInt())
        .isZero();
    assertThat(admin.get(AUTH + "/me").status())
        .as("the admin's own session is untouched")
        .isEqualTo(200);
  }

  @Test
  void theAdminEndpointsAre403ForNonAdmins() {
    String victim = newUsername("victim");
    ApiClient victimClient = loggedInAs(victim);
    ApiClient user = loggedInAs(newUsername("nosy"));

    assertError(user.get("/api/v1/admin/users/" + victim + "/sessions"), 403, "forbidden");
    assertError(user.delete("/api/v1/admin/users/" + victim + "/sessions"), 403, "forbidden");
    assertError(user.get("/api/v1/admin/users/no-such-user-at-all/sessions"), 403, "forbidden");
    assertThat(victimClient.get(AUTH + "/me").status()).isEqualTo(200);
  }

  @Test
  void theAdminEndpointsAre404ForUnknownUsers() {
    ApiClient admin = client();
    admin.loggedIn(ADMIN, ADMIN_PASSWORD);
    assertError(admin.get("/api/v1/admin/users/no-such-user-at-all/sessions"), 404, "not_found");
    assertError(admin.delete("/api/v1/admin/users/no-such-user-at-all/sessions"), 404, "not_found");
  }

  @Test
  void aSessionEndedOnOneInstanceIsRefusedByAnotherAtOnce() {
    try (ConfigurableApplicationContext second =
        new SpringApplicationBuilder(ExampleApplication.class)
            .run(
                "--server.port=0",
                "--sessionkit.redis.url=" + REDIS.uri(),
                "--sessionkit.jwt.secret=" + SECRET)) {
      int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
      ApiClient laptop = client().userAgent("laptop");
      laptop.registerAndLogin(newUsername("two-instances"), PASSWORD);
      String token = accessToken(laptop);
      ApiClient elsewhere = ApiClient.on(secondPort);

      assertThat(elsewhere.get(AUTH + "/me", "Authorization", bearer(token)).status())
          .isEqualTo(200);
      assertThat(laptop.post(AUTH + "/logout", null).status()).isEqualTo(200);

      assertError(elsewhere.get(AUTH + "/me", "Authorization", bearer(token)), 401, "unauthorized");
    }
  }

  // --- the web page, bearer tokens ---

  @Test
  void theRootServesTheWebPage() {
    ApiClient.Reply page = client().get("/");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).get().asString().startsWith("text/html");
    assertThat(page.body().toLowerCase(Locale.ROOT)).contains("<html").contains("</html>");
  }

  @Test
  void aBearerTokenAuthenticatesWithoutCookies() {
    String username = newUsername("bearer");
    ApiClient browser = client();
    browser.registerAndLogin(username, PASSWORD);
    String token = accessToken(browser);
    ApiClient cli = client().userAgent("curl/8.5.0");

    assertThat(
            json(cli.get(AUTH + "/me", "Authorization", bearer(token)))
                .get("user")
                .get("username")
                .asString())
        .isEqualTo(username);
    assertThat(cli.get(AUTH + "/sessions", "Authorization", bearer(token)).status()).isEqualTo(200);
    assertThat(cli.get(AUTH + "/activity", "Authorization", bearer(token)).status()).isEqualTo(200);
    assertThat(cli.post(AUTH + "/logout", null, "Authorization", bearer(token)).status())
        .isEqualTo(200);
    assertError(browser.get(AUTH + "/me"), 401, "unauthorized");
  }

  // --- cross-site requests ---

  @Test
  void aCookieAuthenticatedUnsafeRequestFromAForeignOriginIs403() {
    ApiClient client = loggedInAs(newUsername("csrf"));
    String sessionId = Tokens.payload(accessToken(client)).get("sid").asString();

    assertError(client.post(AUTH + "/logout", null, "Origin", FOREIGN_ORIGIN), 403, "forbidden");
    assertError(
        client.post(AUTH + "/logout-all", null, "Origin", FOREIGN_ORIGIN), 403, "forbidden");
    assertError(
        client.delete(AUTH + "/sessions/" + sessionId, "Origin", FOREIGN_ORIGIN), 403, "forbidden");
    assertError(client.post(AUTH + "/refresh", null, "Origin", FOREIGN_ORIGIN), 403, "forbidden");
    assertError(client.post(AUTH + "/logout", null, "Origin", "null"), 403, "forbidden");
    // an origin that differs from ours only in scheme or port is foreign too
    assertError(
        client.post(AUTH + "/logout", null, "Origin", client.origin().replace("http:", "https:")),
        403,
        "forbidden");
    assertError(
        client.post(AUTH + "/logout", null, "Origin", "http://127.0.0.1:1"), 403, "forbidden");
    // a safe method is not checked
    assertThat(client.get(AUTH + "/me", "Origin", FOREIGN_ORIGIN).status()).isEqualTo(200);
    assertThat(json(client.get(AUTH + "/sessions")).get("active_sessions").asInt()).isEqualTo(1);
  }

  @Test
  void corsPreflightsFromAllowedOriginsAreAnsweredWithTheAllowHeadersNever401() {
    for (String path : List.of(AUTH + "/sessions", AUTH + "/me", AUTH + "/login")) {
      ApiClient.Reply preflight =
          client()
              .send(
                  "OPTIONS",
                  path,
                  null,
                  "Origin",
                  TRUSTED_ORIGIN,
                  "Access-Control-Request-Method",
                  "POST",
                  "Access-Control-Request-Headers",
                  "content-type");
      assertThat(preflight.status()).as(path).isEqualTo(200);
      assertThat(preflight.header("Access-Control-Allow-Origin")).as(path).contains(TRUSTED_ORIGIN);
      assertThat(preflight.header("Access-Control-Allow-Credentials")).as(path).contains("true");
      assertThat(preflight.header("Access-Control-Allow-Methods").orElseThrow())
          .as(path)
          .contains("POST");
    }
    ApiClient.Reply foreign =
        client()
            .send(
                "OPTIONS",
                AUTH + "/sessions",
                null,
                "Origin",
                FOREIGN_ORIGIN,
                "Access-Control-Request-Method",
                "GET");
    assertError(foreign, 403, "forbidden");
  }

  @Test
  void answersToAnAllowedOriginCarryTheCorsHeaders() {
    ApiClient client = loggedInAs(newUsername("cors"));

    ApiClient.Reply sessions = client.get(AUTH + "/sessions", "Origin", TRUSTED_ORIGIN);

    assertThat(sessions.status()).isEqualTo(200);
    assertThat(sessions.header("Access-Control-Allow-Origin")).contains(TRUSTED_ORIGIN);
    assertThat(sessions.header("Access-Control-Allow-Credentials")).contains("true");
  }

  @Test
  void ownOriginAllowedOriginAndNoOriginMayMakeCookieAuthenticatedUnsafeRequests() {
    ApiClient client = loggedInAs(newUsername("same-site"));

    assertError(
        client.delete(AUTH + "/sessions/no-such-session", "Origin", client.origin()),
        404,
        "not_found");
    assertError(
        client.delete(AUTH + "/sessions/no-such-session", "Origin", TRUSTED_ORIGIN),
        404,
        "not_found");
    assertError(client.delete(AUTH + "/sessions/no-such-session"), 404, "not_found");
    assertThat(client.post(AUTH + "/refresh", null, "Origin", TRUSTED_ORIGIN).status())
        .isEqualTo(200);
    assertThat(client.post(AUTH + "/refresh", null, "Origin", client.origin()).status())
        .isEqualTo(200);
    assertThat(client.post(AUTH + "/logout", null, "Origin", client.origin()).status())
        .isEqualTo(200);
  }

  @Test
  void bearerRequestsAreNotOriginChecked() {
    ApiClient browser = loggedInAs(newUsername("bearer-origin"));
    String token = accessToken(browser);
    ApiClient cli = client();

    assertError(
        cli.delete(
            AUTH + "/sessions/no-such-session",
            "Authorization",
            bearer(token),
            "Origin",
            FOREIGN_ORIGIN),
        404,
        "not_found");
    assertThat(
            cli.post(
                    AUTH + "/logout",
                    null,
                    "Authorization",
                    bearer(token),
                    "Origin",
                    FOREIGN_ORIGIN)
                .status())
        .isEqualTo(200);
  }

  // --- login throttling ---

  @Test
  void repeatedFailedLoginsAreThrottledPerUsernameAndAddress() {
    String username = newUsername("throttled");
    String neighbour = newUsername("neighbour");
    client().register(username, PASSWORD);
    client().register(neighbour, PASSWORD);

    for (int i = 0; i < 3; i++) {
      assertError(client().login(username, "wrong-password"), 401, "unauthorized");
    }
    ApiClient.Reply throttled = client().login(username, "wrong-password");
    ApiClient.Reply evenWithThePassword = client().login(username, PASSWORD);

    for (ApiClient.Reply reply : List.of(throttled, evenWithThePassword)) {
      assertError(reply, 429, "too_many_requests");
      assertThat(reply.header("Retry-After")).get().asString().matches("[1-9][0-9]*");
      assertThat(Long.parseLong(reply.header("Retry-After").orElseThrow())).isBetween(1L, 60L);
      assertThat(reply.setCookies()).isEmpty();
    }
    // other usernames from the same address are unaffected, however the throttled name is written
    assertThat(client().login(neighbour, PASSWORD).status()).isEqualTo(200);
    assertError(client().login(newUsername("stranger"), "wrong-password"), 401, "unauthorized");
    assertError(
        client().login(username.toUpperCase(Locale.ROOT), PASSWORD), 429, "too_many_requests");
  }

  // --- error bodies ---

  @Test
  void errorsAlwaysHaveTheContractsShape() {
    ApiClient client = loggedInAs(newUsername("errors"));

    assertError(client.get("/api/v1/no-such-endpoint"), 404, "not_found");
    assertError(client().get("/api/v1/no-such-endpoint"), 401, "unauthorized");
    assertError(client.post("/api/v1/auth/register", "{"), 400, "invalid_request");
    ApiClient.Reply wrongMethod = client.get(AUTH + "/logout");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(fieldNames(json(wrongMethod))).containsExactlyInAnyOrder("error", "message");
    ApiClient.Reply wrongMethodOnApp = client.get(AUTH + "/login");
    assertThat(wrongMethodOnApp.status()).isEqualTo(405);
    assertThat(fieldNames(json(wrongMethodOnApp))).containsExactlyInAnyOrder("error", "message");
    ApiClient.Reply notJson =
        client.post(
            AUTH + "/register",
            "username=a&password=b",
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertError(notJson, 400, "invalid_request");
  }

  // --- Redis, as an operator sees it ---

  @Test
  void redisHoldsOneReadableSessionKeyPerLiveSessionAndNothingElseUnderThatPrefix() {
    RedisCommands<String, String> redis = cli(REDIS);
    redis.flushall(); // this test counts keys: start from an empty Redis (tests run one at a time)
    String alice = newUsername("op-alice");
    ApiClient aliceLaptop = client().userAgent("laptop");
    aliceLaptop.registerAndLogin(alice, PASSWORD);
    String aliceId = json(aliceLaptop.get(AUTH + "/me")).get("user").get("id").asString();
    ApiClient alicePhone = client().userAgent("phone");
    alicePhone.loggedIn(alice, PASSWORD);
    ApiClient bob = loggedInAs(newUsername("op-bob"));
    String bobId = json(bob.get(AUTH + "/me")).get("user").get("id").asString();
    ApiClient ended = loggedInAs(newUsername("op-gone"));
    ended.post(AUTH + "/logout", null);

    List<String> keys = scan(redis, "session:*");

    Map<String, String> liveSessions =
        Map.of(
            sessionId(aliceLaptop), aliceId, sessionId(alicePhone), aliceId, sessionId(bob), bobId);
    assertThat(keys).hasSize(3);
    for (Map.Entry<String, String> live : liveSessions.entrySet()) {
      List<String> matching = keys.stream().filter(k -> k.contains(live.getKey())).toList();
      assertThat(matching).as("keys containing session id %s", live.getKey()).hasSize(1);
      String key = matching.get(0);
      assertThat(redis.type(key)).isEqualTo("string");
      JsonNode json = ApiClient.JSON.readTree(redis.get(key));
      assertThat(json.get("user_id").asString()).isEqualTo(live.getValue());
      // the id is the key's last part; the last activity lives in the user's state hash
      assertThat(key).endsWith(":" + live.getKey());
      assertThat(fieldNames(json)).contains("created_at", "expires_at", "ip", "user_agent");
      assertThat(json.get("ip").asString()).isEqualTo("127.0.0.1");
      assertThat(redis.pttl(key)).isPositive();
    }
    assertThat(json(redis, keys, sessionId(alicePhone)).get("user_agent").asString())
        .isEqualTo("phone");
    // no refresh token (nor its secret part, after the session id) and no access token is stored
    List<String> secrets = new ArrayList<>();
    String beforeRotation = refreshToken(alicePhone);
    secrets.add(beforeRotation.substring(beforeRotation.lastIndexOf('.') + 1));
    assertThat(alicePhone.post(AUTH + "/refresh", null).status()).isEqualTo(200);
    for (ApiClient client : List.of(aliceLaptop, alicePhone, bob)) {
      String refresh = refreshToken(client);
      secrets.add(refresh.substring(refresh.lastIndexOf('.') + 1));
      secrets.add(accessToken(client));
    }
    String everything = dump(redis);
    assertThat(secrets).allSatisfy(secret -> assertThat(everything).doesNotContain(secret));
    // bookkeeping lives under other prefixes
    assertThat(scan(redis, "*"))
        .filteredOn(k -> !k.startsWith("session:"))
        .allSatisfy(k -> assertThat(k).doesNotContain("session:"));
  }

  @Test
  void everyKeyButTheAccountsHasATtlAndSessionKeysEndWithTheSessions() {
    RedisCommands<String, String> redis = cli(REDIS);
    redis.flushall(); // this test looks at every key: start from an empty Redis
    redis.configResetstat();
    List<ApiClient> everyone = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String username = newUsername("ttl");
      ApiClient laptop = client().userAgent("laptop");
      laptop.registerAndLogin(username, PASSWORD);
      ApiClient phone = client().userAgent("phone");
      phone.loggedIn(username, PASSWORD);
      phone.post(AUTH + "/refresh", null);
      phone.get(AUTH + "/sessions");
      phone.get(AUTH + "/activity");
      client().login(username, "wrong-password"); // a throttle window and a login_failed entry
      everyone.add(laptop);
    }

    // no request path scans the key space (commands run by scripts count here too)
    assertThat(redis.info("commandstats"))
        .doesNotContain("cmdstat_keys:")
        .doesNotContain("cmdstat_scan:");
    List<String> all = scan(redis, "*");
    assertThat(all)
        .anyMatch(k -> k.startsWith("session:"))
        .anyMatch(k -> k.startsWith("user-session-states:"))
        .anyMatch(k -> k.startsWith("user-sessions:"))
        .anyMatch(k -> k.startsWith("user-devices:"))
        .anyMatch(k -> k.startsWith("activity:"))
        .anyMatch(k -> k.startsWith("login-attempts"))
        .anyMatch(k -> k.startsWith("account:name:"))
        .anyMatch(k -> k.startsWith("account:id:"));
    // the app's accounts are the only keys without a TTL; everything of the library's has one
    for (String key : all) {
      if (key.startsWith("account:")) {
        assertThat(redis.pttl(key)).as("TTL of %s", key).isEqualTo(-1L);
      } else {
        assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
      }
    }

    for (ApiClient client : everyone) {
      assertThat(json(client.post(AUTH + "/logout-all", null)).get("sessions_deleted").asInt())
          .isEqualTo(2);
    }

    // the sessions' records are reclaimed off the request path, at once
    Await.atMost(Duration.ofSeconds(10))
        .until("every session record is reclaimed", () -> scan(redis, "session:*").isEmpty());
    assertThat(scan(redis, "user-sessions:*")).isEmpty();
    assertThat(scan(redis, "user-session-states:*")).isEmpty();
    assertThat(scan(redis, "user-sessions-revoked:*")).isEmpty();
    // What is left expires on its own: the ended sessions' markers and the logout-everywhere
    // markers (for the rest of the session lifetime, so that nothing brings a session back), the
    // devices seen, the activity feed (kept for the session lifetime after its newest entry, so
    // that "you were logged out everywhere" can still be read) and the login-throttle windows
    // (kept for LOGIN_WINDOW_SECONDS).
    List<String> left =
        scan(redis, "*").stream().filter(key -> !key.startsWith("account:")).toList();
    assertThat(left)
        .allSatisfy(
            key -> {
              assertThat(key)
                  .matches(
                      "(session-ended|user-logged-out|user-devices|activity|login-attempts"
                          + "|login-attempts-from):.*");
              assertThat(redis.pttl(key)).as("TTL of %s", key).isPositive();
            });
    assertThat(left.stream().filter(k -> k.startsWith("login-attempts")))
        .allSatisfy(key -> assertThat(redis.pttl(key)).isLessThanOrEqualTo(60_000L));
  }

  /** Every key and value in Redis, as text. */
  private static String dump(RedisCommands<String, String> redis) {
    StringBuilder all = new StringBuilder();
    for (String key : scan(redis, "*")) {
      all.append(key)
          .append(" = ")
          .append(
              switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> redis.hgetall(key).toString();
                case "zset" -> redis.zrange(key, 0, -1).toString();
                case "list" -> redis.lrange(key, 0, -1).toString();
                case "set" -> redis.smembers(key).toString();
                default -> "(" + redis.type(key) + ")";
              })
          .append('\n');
    }
    return all.toString();
  }

  private static JsonNode json(
      RedisCommands<String, String> redis, List<String> keys, String sessionId) {
    return ApiClient.JSON.readTree(
        redis.get(keys.stream().filter(k -> k.contains(sessionId)).findFirst().orElseThrow()));
  }

  private static String sessionId(ApiClient client) {
    return Tokens.payload(accessToken(client)).get("sid").asString();
  }

  /** {@code redis-cli --scan --pattern}. */
  static List<String> scan(RedisCommands<String, String> redis, String pattern) {
    List<String> keys = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
      keys.addAll(page.getKeys());
      cursor = page;
    } while (!cursor.isFinished());
    return keys;
  }

  static List<JsonNode> list(JsonNode array) {
    assertThat(array.isArray()).as("%s is an array", array).isTrue();
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  private static void assertUser(JsonNode user, String username) {
    assertThat(fieldNames(user)).containsExactlyInAnyOrder("id", "username", "roles");
    assertThat(user.get("id").asString()).isNotBlank();
    assertThat(user.get("username").asString()).isEqualTo(username);
    assertThat(list(user.get("roles"))).extracting(JsonNode::asString).containsExactly("USER");
  }
}
