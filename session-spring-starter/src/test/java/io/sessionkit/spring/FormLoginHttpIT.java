package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.AuthenticationProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Security's {@code formLogin()} starts a sessionkit session and its {@code logout()} ends
 * it, over real HTTP (sessions in memory).
 */
@SpringBootTest(
    classes = FormLoginTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "sessionkit.jwt.secret=form-secret-form-secret-form-secret-form",
      "sessionkit.cookie.secure=false",
      "sessionkit.paths.permit=/login,/api/login"
    })
class FormLoginHttpIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String FORM = "application/x-www-form-urlencoded";

  @LocalServerPort int port;

  @Autowired ApplicationContext context;

  @Test
  void aFormLoginStartsASessionAndSetsTheCookies() {
    CookieClient browser = CookieClient.on(port).bodyType(FORM);

    Reply login = browser.post("/login", "username=form-alice&password=form-password");

    assertThat(login.status()).isEqualTo(302);
    assertThat(browser.cookie("access_token")).isPresent();
    assertThat(browser.cookie("refresh_token")).isPresent();
    Reply me = browser.get("/api/me");
    assertThat(me.status()).isEqualTo(200);
    JsonNode body = JSON.readTree(me.body());
    assertThat(body.get("user").asString()).isEqualTo("form-alice");
    assertThat(body.get("roles").toString()).isEqualTo("[\"USER\"]");
    assertThat(context.getBean(SessionManager.class).sessions("form-alice").liveCount())
        .isPositive();
  }

  @Test
  void aLoginOnTheApplicationsAuthenticationManagerStartsASessionThroughSessionLogin() {
    CookieClient client = CookieClient.on(port);

    Reply login = client.post("/api/login?username=form-alice&password=form-password", null);

    assertThat(login.status()).isEqualTo(200);
    assertThat(client.cookie("access_token")).isPresent();
    assertThat(JSON.readTree(client.get("/api/me").body()).get("user").asString())
        .isEqualTo("form-alice");
    assertThat(
            CookieClient.on(port)
                .post("/api/login?username=form-alice&password=wrong", null)
                .status())
        .isEqualTo(401);
  }

  @Test
  void aWrongPasswordStartsNoSession() {
    CookieClient browser = CookieClient.on(port).bodyType(FORM);

    browser.post("/login", "username=form-alice&password=wrong");

    assertThat(browser.cookie("access_token")).isEmpty();
    assertThat(browser.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void theLogoutOfSpringSecurityEndsTheSession() {
    CookieClient browser = CookieClient.on(port).bodyType(FORM);
    browser.post("/login", "username=form-alice&password=form-password");
    String access = browser.cookie("access_token").orElseThrow();

    Reply logout = browser.post("/logout", "");

    assertThat(logout.status()).isEqualTo(302);
    assertThat(browser.cookie("access_token")).isEmpty();
    Reply after = CookieClient.on(port).get("/api/me", "Authorization", "Bearer " + access);
    assertThat(after.status()).isEqualTo(401);
    assertThat(JSON.readTree(after.body()).get("message").asString())
        .isEqualTo("Session has ended");
  }

  @Test
  void theApplicationsUserStoreKeepsBootsAndSpringSecuritysDefaults() {
    assertThat(context.getBeanNamesForType(AuthenticationProvider.class)).isEmpty();
  }
}
