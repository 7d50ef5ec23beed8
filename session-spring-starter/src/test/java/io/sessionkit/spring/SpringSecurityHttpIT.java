package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
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

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", TestRedis::uri);
  }

  @LocalServerPort int port;

  @Autowired ApplicationContext context;

  @Test
  void authenticationPrincipalIsTheSessionKitPrincipal() {
    Browser browser = new Browser(port);
    JsonNode login = json(browser.post("/api/login?user=sec-alice&roles=ADMIN,USER"));

    HttpResponse<String> me = browser.get("/api/me");
    assertThat(me.statusCode()).isEqualTo(200);
    JsonNode body = json(me);
    assertThat(body.get("user").asString()).isEqualTo("sec-alice");
    assertThat(body.get("session").asString()).isEqualTo(login.get("session_id").asString());
    assertThat(body.get("roles").toString()).isEqualTo("[\"ADMIN\",\"USER\"]");
  }

  @Test
  void rolesBecomeAuthoritiesForUrlRulesAndMethodSecurity() {
    Browser admin = new Browser(port);
    admin.post("/api/login?user=sec-admin&roles=ADMIN");
    Browser user = new Browser(port);
    user.post("/api/login?user=sec-bob&roles=USER");

    assertThat(admin.get("/api/admin/stats").statusCode()).isEqualTo(200);
    assertThat(user.get("/api/admin/stats").statusCode()).isEqualTo(403);
    assertThat(admin.get("/api/reports").statusCode()).isEqualTo(200);
    assertThat(user.get("/api/reports").statusCode()).isEqualTo(403);
  }

  @Test
  void bearerTokenWorksLikeTheCookie() {
    Browser browser = new Browser(port);
    String token =
        json(browser.post("/api/login?user=sec-bearer&roles=ADMIN")).get("access_token").asString();
    Browser other = new Browser(port);
    assertThat(other.getWithBearer("/api/admin/stats", token).statusCode()).isEqualTo(200);
  }

  @Test
  void missingOrBadTokenOnAProtectedPathIs401FromSessionKit() {
    Browser browser = new Browser(port);
    HttpResponse<String> none = browser.get("/api/me");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("error").asString()).isEqualTo("unauthorized");
    assertThat(browser.getWithBearer("/api/me", "not.a.jwt").statusCode()).isEqualTo(401);
  }

  @Test
  void logoutEndsTheSessionOnTheNextRequest() {
    Browser browser = new Browser(port);
    browser.post("/api/login?user=sec-carol");
    String access = browser.cookie("access_token");
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

    assertThat(browser.post("/api/v1/auth/logout").statusCode()).isEqualTo(200);
    assertThat(browser.cookie("access_token")).isNull();

    assertThat(browser.getWithBearer("/api/me", access).statusCode()).isEqualTo(401);
  }

  @Test
  void refreshRotatesAndARetryWithinTheGraceGetsTheSameToken() {
    Browser browser = new Browser(port);
    browser.post("/api/login?user=sec-dave");
    String firstRefresh = browser.cookie("refresh_token");
    String firstAccess = browser.cookie("access_token");

    assertThat(browser.post("/api/v1/auth/refresh").statusCode()).isEqualTo(200);
    String rotated = browser.cookie("refresh_token");
    assertThat(rotated).isNotEqualTo(firstRefresh);
    assertThat(browser.cookie("access_token")).isNotEqualTo(firstAccess);
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

    // a second tab still holding the previous token, within the default 10 s grace
    Browser tab = new Browser(port);
    tab.setCookie("refresh_token", firstRefresh);
    assertThat(tab.post("/api/v1/auth/refresh").statusCode()).isEqualTo(200);
    assertThat(tab.cookie("refresh_token")).isEqualTo(rotated);
  }

  @Test
  void refreshWithAnExpiredAccessCookieReachesTheEndpoint() {
    Browser browser = new Browser(port);
    browser.post("/api/login?user=sec-erin");
    browser.setCookie("access_token", "expired.or.garbage");
    assertThat(browser.post("/api/v1/auth/refresh").statusCode()).isEqualTo(200);
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
  }

  @Test
  void healthShowsTheSessionKitComponentOnRedis() {
    HttpResponse<String> response = new Browser(port).get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
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
    Browser browser = new Browser(port);
    browser.post("/api/login?user=sec-metrics");
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

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
