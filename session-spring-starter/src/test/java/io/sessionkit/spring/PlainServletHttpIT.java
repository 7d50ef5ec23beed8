package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter in an application without Spring Security in play (its auto-configuration excluded,
 * the bridge switched off), over real HTTP, with sessions in Redis.
 */
@SpringBootTest(
    classes = PlainTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
      "sessionkit.spring-security.enabled=false",
      "sessionkit.jwt.secret=plain-secret-plain-secret-plain-secret-1",
      "sessionkit.cookie.secure=false",
      "sessionkit.refresh-reuse-grace=0s",
      "sessionkit.paths.permit=/api/login,/actuator/health",
      "management.endpoints.web.exposure.include=health",
      "management.endpoint.health.show-details=always"
    })
class PlainServletHttpIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final RedisExtension REDIS = RedisExtension.shared();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", REDIS::uri);
  }

  @LocalServerPort int port;

  @Autowired ApplicationContext context;

  @Test
  void springSecurityIsNotInPlay() {
    assertThat(context.getBeansOfType(SecurityFilterChain.class)).isEmpty();
    assertThat(context.containsBean("sessionKitSecurityContextFilter")).isFalse();
    assertThat(context.containsBean("sessionKitAuthenticationFilter")).isTrue();
  }

  @Test
  void loginThenProtectedThenLogoutThen401() {
    CookieClient browser = CookieClient.on(port);
    assertThat(browser.get("/api/me").status()).isEqualTo(401);

    JsonNode login = json(browser.post("/api/login?user=plain-alice&roles=ADMIN", null));
    Reply me = browser.get("/api/me");
    assertThat(me.status()).isEqualTo(200);
    assertThat(json(me).get("admin").asBoolean()).isTrue();
    assertThat(json(me).get("user").asString()).isEqualTo("plain-alice");
    assertThat(json(me).get("session").asString()).isEqualTo(login.get("session_id").asString());

    String access = browser.cookie("access_token").orElseThrow();
    assertThat(browser.post("/api/v1/auth/logout", null).status()).isEqualTo(200);
    assertThat(bearer("/api/me", access).status()).isEqualTo(401);
    assertThat(browser.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void refreshRotatesAndReusingTheOldTokenRevokesTheSession() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=plain-bob", null);
    String oldRefresh = browser.cookie("refresh_token").orElseThrow();

    assertThat(browser.post("/api/v1/auth/refresh", null).status()).isEqualTo(200);
    assertThat(browser.cookie("refresh_token")).get().isNotEqualTo(oldRefresh);
    String newAccess = browser.cookie("access_token").orElseThrow();
    assertThat(browser.get("/api/me").status()).isEqualTo(200);

    CookieClient thief = CookieClient.on(port);
    thief.setCookie("refresh_token", oldRefresh);
    assertThat(thief.post("/api/v1/auth/refresh", null).status()).isEqualTo(401);

    assertThat(bearer("/api/me", newAccess).status()).isEqualTo(401);
  }

  @Test
  void sessionsCanBeListedAndRevokedFromAnotherDevice() {
    CookieClient laptop = CookieClient.on(port);
    laptop.post("/api/login?user=plain-carol", null);
    CookieClient phone = CookieClient.on(port);
    String phoneSession =
        json(phone.post("/api/login?user=plain-carol", null)).get("session_id").asString();

    JsonNode list = json(laptop.get("/api/v1/auth/sessions"));
    assertThat(list.get("active_sessions").asInt()).isEqualTo(2);
    assertThat(list.get("redis_available").asBoolean()).isTrue();

    assertThat(laptop.delete("/api/v1/auth/sessions/" + phoneSession).status()).isEqualTo(204);
    assertThat(phone.get("/api/me").status()).isEqualTo(401);
    assertThat(laptop.get("/api/me").status()).isEqualTo(200);
  }

  @Test
  void logoutAllEndsEverySessionOfTheUser() {
    CookieClient laptop = CookieClient.on(port);
    laptop.post("/api/login?user=plain-dora", null);
    CookieClient phone = CookieClient.on(port);
    phone.post("/api/login?user=plain-dora", null);

    Reply response = laptop.post("/api/v1/auth/logout-all", null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(json(response).get("sessions_deleted").asInt()).isEqualTo(2);
    assertThat(phone.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void healthShowsTheSessionKitComponent() {
    Reply response = CookieClient.on(port).get("/actuator/health");
    assertThat(response.status()).isEqualTo(200);
    JsonNode component = json(response).get("components").get("sessionKit");
    assertThat(component.get("status").asString()).isEqualTo("UP");
    assertThat(component.get("details").get("store").asString()).isEqualTo("redis");
  }

  /** A GET with {@code Authorization: Bearer}, from a client without cookies. */
  private Reply bearer(String path, String token) {
    return CookieClient.on(port).get(path, "Authorization", "Bearer " + token);
  }

  private static JsonNode json(Reply response) {
    return JSON.readTree(response.body());
  }
}
