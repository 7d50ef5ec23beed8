package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionAuthenticationFilterLogTest {

  @Test
  void aSessionIdInThePathIsLoggedByItsPrefixOnly() {
    String sessionId = "Ab3dE5fGh1J2k3L4q1w2e3r4t5y6u7i8o9p0aS";

    String logged =
        SessionAuthenticationFilter.loggablePath(
            FakeHttp.request("203.0.113.9", ":path", "/api/v1/auth/sessions/" + sessionId));

    assertThat(logged)
        .isEqualTo("/api/v1/auth/sessions/Ab3dE5fGh1J2k3L4q1w2e3r4\u2026")
        .doesNotContain(sessionId);
    assertThat(
            SessionAuthenticationFilter.loggablePath(
                FakeHttp.request("203.0.113.9", ":path", "/api/me")))
        .isEqualTo("/api/me");
  }
}
