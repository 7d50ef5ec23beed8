package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.CookieClient;
import io.sessionkit.testing.CookieClient.Reply;
import io.sessionkit.testing.RawHttp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The application's {@code corsConfigurationSource} applied to sessionkit's filter and endpoints,
 * over real HTTP (sessions in memory, no Spring Security in play).
 */
@SpringBootTest(
    classes = {PlainTestApp.class, CorsHttpIT.Cors.class},
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
      "sessionkit.jwt.secret=cors-secret-cors-secret-cors-secret-cors",
      "sessionkit.cookie.secure=false",
      "sessionkit.allowed-origins=" + CorsHttpIT.FRONT,
      "sessionkit.paths.permit=/api/login"
    })
class CorsHttpIT {

  static final String FRONT = "https://front.example";

  @LocalServerPort int port;

  @Test
  void aPreflightFromAnAllowedOriginToAProtectedPathIsAnsweredNot401() {
    Reply preflight = preflight("/api/me", FRONT, "GET");

    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.header("Access-Control-Allow-Origin")).contains(FRONT);
    assertThat(preflight.header("Access-Control-Allow-Credentials")).contains("true");
    assertThat(preflight.header("Access-Control-Allow-Methods").orElseThrow()).contains("GET");
  }

  @Test
  void aPreflightToAnEndpointIsAnsweredNot405() {
    Reply preflight = preflight("/api/v1/auth/sessions/abc", FRONT, "DELETE");

    assertThat(preflight.status()).isEqualTo(200);
    assertThat(preflight.header("Access-Control-Allow-Origin")).contains(FRONT);
    assertThat(preflight.header("Access-Control-Allow-Methods").orElseThrow()).contains("DELETE");
  }

  @Test
  void aPreflightFromAnotherOriginIsRefusedWithJson403() {
    Reply preflight = preflight("/api/me", "https://evil.example", "GET");

    assertThat(preflight.status()).isEqualTo(403);
    assertThat(preflight.body()).contains("\"error\":\"forbidden\"");
    assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void theEndpointsAndTheFiltersRefusalsCarryTheHeaders() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=cors-alice", null);

    Reply sessions = browser.get("/api/v1/auth/sessions", "Origin", FRONT);
    assertThat(sessions.status()).isEqualTo(200);
    assertThat(sessions.header("Access-Control-Allow-Origin")).contains(FRONT);
    assertThat(sessions.header("Access-Control-Allow-Credentials")).contains("true");

    Reply refused = CookieClient.on(port).get("/api/me", "Origin", FRONT);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("Access-Control-Allow-Origin")).contains(FRONT);
  }

  @Test
  void aRequestFromAnOriginThatIsNotAllowedIsNotRefusedButGetsNoHeaders() {
    CookieClient browser = CookieClient.on(port);
    browser.post("/api/login?user=cors-bob", null);

    Reply me = browser.get("/api/me", "Origin", "https://other.example");

    assertThat(me.status()).isEqualTo(200);
    assertThat(me.header("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void anOriginThatIsNoUrlIsNoCorsRequestAndNever500() {
    RawHttp.Answer answer =
        RawHttp.send(
            port,
            RawHttp.head(
                "GET /api/me HTTP/1.1",
                port,
                RawHttp.header("Origin: https://", 0xc3, 0xa9, 'v', 'i', 'l', '.', 'e', 'x')));

    assertThat(answer.status()).isEqualTo(401);
  }

  private Reply preflight(String path, String origin, String method) {
    return CookieClient.on(port)
        .send(
            "OPTIONS",
            path,
            null,
            "Origin",
            origin,
            "Access-Control-Request-Method",
            method,
            "Access-Control-Request-Headers",
            "content-type");
  }

  /** The application's CORS configuration, by the name Spring Security also looks for. */
  @Configuration(proxyBeanMethods = false)
  static class Cors {

    @Bean
    CorsConfigurationSource corsConfigurationSource() {
      CorsConfiguration api = new CorsConfiguration();
      api.setAllowedOrigins(List.of(FRONT));
      api.setAllowedMethods(List.of("GET", "POST", "DELETE"));
      api.setAllowedHeaders(List.of("Content-Type", "Authorization"));
      api.setAllowCredentials(true);
      UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
      source.registerCorsConfiguration("/api/**", api);
      return source;
    }
  }
}
