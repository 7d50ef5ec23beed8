package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionPage;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemorySessionStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionEndpointsTest {

  private static final Instant T0 = Instant.parse("2030-01-01T10:00:00.123Z");

  private static Session session(String id, Instant createdAt) {
    return new Session(
        id,
        "u1",
        Set.of("USER"),
        createdAt,
        createdAt.plusSeconds(60),
        createdAt.plus(Duration.ofDays(7)),
        Duration.ZERO,
        "203.0.113.5",
        "agent/1.0",
        Map.of());
  }

  @Test
  void sessionListHasTheShapeOfTheSessionsEndpoint() {
    Map<String, Object> body =
        SessionEndpoints.sessionList(
            manager(),
            new SessionPage(
                List.of(session("s1", T0), session("s2", T0.plusSeconds(5))), 2, Optional.empty()),
            Optional.of("s2"),
            true);

    JsonNode json = TestJson.read(new String(TestJson.write(body), StandardCharsets.UTF_8));
    assertThat(json.toString())
        .isEqualTo(
            "{\"active_sessions\":2,\"redis_available\":false,\"store\":\"memory\","
                + "\"sessions\":["
                + "{\"session_id\":\"s1\",\"created_at\":\"2030-01-01T10:00:00.123Z\","
                + "\"last_active_at\":\"2030-01-01T10:01:00.123Z\",\"expires_at\":\"2030-01-08T10:00:00.123Z\","
                + "\"ip\":\"203.0.113.5\",\"user_agent\":\"agent/1.0\",\"current\":false},"
                + "{\"session_id\":\"s2\",\"created_at\":\"2030-01-01T10:00:05.123Z\","
                + "\"last_active_at\":\"2030-01-01T10:01:05.123Z\",\"expires_at\":\"2030-01-08T10:00:05.123Z\","
                + "\"ip\":\"203.0.113.5\",\"user_agent\":\"agent/1.0\",\"current\":true}]}");
  }

  @Test
  void sessionListIsUnmodifiable() {
    Map<String, Object> body =
        SessionEndpoints.sessionList(
            manager(),
            new SessionPage(List.of(session("s1", T0)), 1, Optional.of("next-page")),
            Optional.empty(),
            false);

    assertThat(body.get("redis_available")).isEqualTo(false);
    assertThat(body.get("next")).isEqualTo("next-page");
    assertThat(((List<?>) body.get("sessions")).toString()).contains("current=false");
    assertThatThrownBy(() -> body.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void basePathDefaultsToTheContractsAndNamesTheRefreshPath() {
    SessionEndpoints endpoints = SessionEndpoints.builder(manager()).build();

    assertThat(endpoints.basePath()).isEqualTo("/api/v1/auth");
    assertThat(endpoints.refreshPath()).isEqualTo("/api/v1/auth/refresh");
    assertThat(SessionEndpoints.builder(manager()).basePath("/auth").build().refreshPath())
        .isEqualTo("/auth/refresh");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/",
        "auth",
        "/auth/",
        "/a//b",
        "/a/../b",
        "/a/./b",
        "/a b",
        "/a;b",
        "/a%2Fb",
        "/a/*",
        "/caf\u00e9"
      })
  void invalidBasePathsAreRejectedNamingThePath(String basePath) {
    assertThatThrownBy(() -> SessionEndpoints.builder(manager()).basePath(basePath))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("basePath must")
        .hasMessageContaining("'" + basePath + "'");
  }

  private static SessionManager manager() {
    return SessionManager.builder()
        .store(InMemorySessionStore.create())
        .tokenService(
            JwtTokenService.builder()
                .signingKey(
                    SigningKey.hmacSha256("k1", TestApp.SECRET.getBytes(StandardCharsets.UTF_8)))
                .build())
        .build();
  }
}
