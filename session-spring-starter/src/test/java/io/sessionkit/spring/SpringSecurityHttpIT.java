package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The starter in a Spring Security application, over real HTTP, with sessions in Redis. */
@SpringBootTest(
    classes = SecuredTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "sessionkit.jwt.secret=it-secret-it-secret-it-secret-it-secret",
      "sessionkit.cookie.secure=false",
      "sessionkit.paths.permit=/api/login,/actuator/health",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always"
    })
class SpringSecurityHttpIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.shared();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @LocalServerPort int port;

  @Autowired ApplicationContext context;

  @Test
  void authenticationPrincipalIsTheSessionKitPrincipal() {
    CookieClient browser = CookieClient.on(port);
    JsonNode login = json(browser.post("/api/login?user=sec-alice&roles=ADMIN,USER", null));

    Reply me = browser.get("/api/me");
    assertThat(me.status()).isEqualTo(200);
    JsonNode body = json(me);
    assertThat(body.get("user").asString()).isEqualTo("sec-alice");
    assertThat(body.get("session").asString()).isEqualTo(login.get("session_id").asString());
    assertThat(body.get("roles").toString()).isEqualTo("[\"ADMIN\",\"USER\"]");
  }

  @Test
  void rolesBecomeAuthoritiesForUrlRulesAndMethodSecurity() {
    CookieClient admin = CookieClient.on(port);
    admin.post("/api/login?user=sec-admin&roles=ADMIN", null);
    CookieClient user = CookieClient.on(port);
    user.post("/api/login?user=sec-bob&roles=USER", null);

    assertThat(admin.get("/api/admin/stats").status()).isEqualTo(200);
    assertThat(user.get("/api/admin/stats").status()).isEqualTo(403);
    assertThat(admin.get("/api/reports").status()).isEqualTo(200);
    assertThat(user.get("/api/reports").status()).isEqualTo(403);
  }

  @Test
  void bearerTokenWorksLikeTheCookie() {
    CookieClient browser = CookieClient.on(port);
    String token =
        json(browser.post("/api/login?user=sec-bearer&roles=ADMIN", null))
            .get("access_token")
            .asString();
    CookieClient other = CookieClient.on(port);
    assertThat(bearer("/api/admin/stats", token).status()).isEqualTo(200);
  }

  @Test
  void missingOrBadTokenOnAProtectedPathIs401FromSessionKit() {
    CookieClient browser = CookieClient.on(port);
    Reply none = browser.get("/api/me");
    assertThat(none.status()).isEqualTo(401);
    assertThat(json(none).get("error").asString()).isEqualTo("unauthorized");
    assertThat(bearer("/api/me", "not.a.jwt").status()).isEqualTo(401);
  }

  @Test
  void logoutEndsTheSessionOnTheNextRequest() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=sec-carol", null);
    String access = browser.cookie("access_token").orElseThrow();
    assertThat(browser.get("/api/me").status()).isEqualTo(200);

    assertThat(browser.post("/api/v1/auth/logout", null).status()).isEqualTo(200);
    assertThat(browser.cookie("access_token")).isEmpty();

    assertThat(bearer("/api/me", access).status()).isEqualTo(401);
  }

  @Test
  void springSecuritysOwnLogoutEndsTheSessionAndClearsTheCookies() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=sec-logout", null);
    String access = browser.cookie("access_token").orElseThrow();

    // http.logout() is on by default in every chain; it answers with a redirect
    Reply logout = browser.post("/logout", null);

    assertThat(logout.status()).isLessThan(400);
    assertThat(logout.setCookie("access_token").attribute("Max-Age")).contains("0");
    assertThat(logout.setCookie("refresh_token").attribute("Max-Age")).contains("0");
    Reply after = bearer("/api/me", access);
    assertThat(after.status()).isEqualTo(401);
    assertThat(json(after).get("message").asString()).isEqualTo("Session has ended");
  }

  @Test
  void bootGeneratesNoPasswordWhenSessionKitIsTheAuthentication() {
    assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
    assertThat(context.getBeanNamesForType(AuthenticationProvider.class))
        .containsExactly("sessionKitAuthenticationProvider");
  }

  @Test
  void refreshRotatesAndARetryWithinTheGraceGetsTheSameToken() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=sec-dave", null);
    String firstRefresh = browser.cookie("refresh_token").orElseThrow();
    String firstAccess = browser.cookie("access_token").orElseThrow();

    assertThat(browser.post("/api/v1/auth/refresh", null).status()).isEqualTo(200);
    String rotated = browser.cookie("refresh_token").orElseThrow();
    assertThat(rotated).isNotEqualTo(firstRefresh);
    assertThat(browser.cookie("access_token")).get().isNotEqualTo(firstAccess);
    assertThat(browser.get("/api/me").status()).isEqualTo(200);

    // a second tab still holding the previous token, within the default 10 s grace
    CookieClient tab = CookieClient.on(port);
    tab.setCookie("refresh_token", firstRefresh);
    assertThat(tab.post("/api/v1/auth/refresh", null).status()).isEqualTo(200);
    assertThat(tab.cookie("refresh_token")).hasValue(rotated);
  }

  @Test
  void refreshWithAnExpiredAccessCookieReachesTheEndpoint() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=sec-erin", null);
    browser.setCookie("access_token", "expired.or.garbage");
    assertThat(browser.post("/api/v1/auth/refresh", null).status()).isEqualTo(200);
    assertThat(browser.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void healthShowsTheSessionKitComponentOnRedis() {
    Reply response = CookieClient.on(port).get("/actuator/health");
    assertThat(response.status()).isEqualTo(200);
    JsonNode component = json(response).get("components").get("sessionKit");
    assertThat(component.get("status").asString()).isEqualTo("UP");
    assertThat(component.get("details").get("store").asString()).isEqualTo("redis");
    assertThat(component.get("details").get("available").asBoolean()).isTrue();
    assertThat(component.get("details").get("fallback").asString()).isEqualTo("jwt-only");
  }

  @Test
  void metricsGoToTheApplicationsMeterRegistry() {
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    double before = registry.get("sessionkit.logins").counter().count();
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=sec-metrics", null);
    browser.get("/api/me");
    assertThat(registry.get("sessionkit.logins").counter().count()).isEqualTo(before + 1);
    assertThat(
            registry
                .get("sessionkit.authentications")
                .tag("outcome", "authenticated")
                .counter()
                .count())
        .isPositive();
    assertThat(registry.get("sessionkit.store.available").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void theSecurityBridgeIsRegistered() {
    assertThat(context.containsBean("sessionKitSecurityContextFilter")).isTrue();
  }

  /** A GET with {@code Authorization: Bearer}, from a client without cookies. */
  private Reply bearer(String path, String token) {
    return CookieClient.on(port).get(path, "Authorization", "Bearer " + token);
  }

  private static JsonNode json(Reply response) {
    return JSON.readTree(response.body());
  }
}
