package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
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

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("sessionkit.redis.url", TestRedis::uri);
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
    Browser browser = new Browser(port);
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);

    JsonNode login = json(browser.post("/api/login?user=plain-alice&roles=ADMIN"));
    HttpResponse<String> me = browser.get("/api/me");
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).get("admin").asBoolean()).isTrue();
    assertThat(json(me).get("user").asString()).isEqualTo("plain-alice");
    assertThat(json(me).get("session").asString()).isEqualTo(login.get("session_id").asString());

    String access = browser.cookie("access_token");
    assertThat(browser.post("/api/v1/auth/logout").statusCode()).isEqualTo(200);
    assertThat(browser.getWithBearer("/api/me", access).statusCode()).isEqualTo(401);
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
  }

  @Test
  void refreshRotatesAndReusingTheOldTokenRevokesTheSession() {
    Browser browser = new Browser(port);
    browser.post("/api/login?user=plain-bob");
    String oldRefresh = browser.cookie("refresh_token");

    assertThat(browser.post("/api/v1/auth/refresh").statusCode()).isEqualTo(200);
    assertThat(browser.cookie("refresh_token")).isNotEqualTo(oldRefresh);
    String newAccess = browser.cookie("access_token");
    assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);

    Browser thief = new Browser(port);
    thief.setCookie("refresh_token", oldRefresh);
    assertThat(thief.post("/api/v1/auth/refresh").statusCode()).isEqualTo(401);

    assertThat(browser.getWithBearer("/api/me", newAccess).statusCode()).isEqualTo(401);
  }

  @Test
  void sessionsCanBeListedAndRevokedFromAnotherDevice() {
    Browser laptop = new Browser(port);
    laptop.post("/api/login?user=plain-carol");
    Browser phone = new Browser(port);
    String phoneSession =
        json(phone.post("/api/login?user=plain-carol")).get("session_id").asString();

    JsonNode list = json(laptop.get("/api/v1/auth/sessions"));
    assertThat(list.get("active_sessions").asInt()).isEqualTo(2);
    assertThat(list.get("redis_available").asBoolean()).isTrue();

    assertThat(laptop.delete("/api/v1/auth/sessions/" + phoneSession).statusCode()).isEqualTo(204);
    assertThat(phone.get("/api/me").statusCode()).isEqualTo(401);
    assertThat(laptop.get("/api/me").statusCode()).isEqualTo(200);
  }

  @Test
  void logoutAllEndsEverySessionOfTheUser() {
    Browser laptop = new Browser(port);
    laptop.post("/api/login?user=plain-dora");
    Browser phone = new Browser(port);
    phone.post("/api/login?user=plain-dora");

    HttpResponse<String> response = laptop.post("/api/v1/auth/logout-all");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("sessions_deleted").asInt()).isEqualTo(2);
    assertThat(phone.get("/api/me").statusCode()).isEqualTo(401);
  }

  @Test
  void healthShowsTheSessionKitComponent() {
    HttpResponse<String> response = new Browser(port).get("/actuator/health");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode component = json(response).get("components").get("sessionKit");
    assertThat(component.get("status").asString()).isEqualTo("UP");
    assertThat(component.get("details").get("store").asString()).isEqualTo("redis");
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }
}
