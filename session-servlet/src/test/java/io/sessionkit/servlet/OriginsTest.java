package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionManager;
import io.sessionkit.jwt.JwtTokenService;
import io.sessionkit.jwt.SigningKey;
import io.sessionkit.memory.InMemorySessionStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginsTest {

  @Test
  void originsAreComparedInCanonicalForm() {
    assertThat(Origins.canonical("https://Example.COM")).hasValue("https://example.com:443");
    assertThat(Origins.canonical("http://example.com")).hasValue("http://example.com:80");
    assertThat(Origins.canonical("http://example.com:8080")).hasValue("http://example.com:8080");
    assertThat(Origins.canonical("http://[0:0:0:0:0:0:0:1]:3000")).hasValue("http://[::1]:3000");
    assertThat(Origins.canonical("http://127.0.0.1:3000")).hasValue("http://127.0.0.1:3000");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "",
        "*",
        "example.com",
        "https://",
        "https://example.com/",
        "https://example.com/app",
        "https://example.com?x",
        "https://user@example.com",
        "ftp://example.com",
        "https://example.com:0",
        "https://example.com:65536",
        "https://[zz]",
        "https://exa mple.com",
        "https://-a.com"
      })
  void invalidOriginsHaveNoCanonicalForm(String origin) {
    assertThat(Origins.canonical(origin)).as(origin).isEmpty();
  }

  @Test
  void allowedOriginsAreValidatedNamingTheEntry() {
    SessionAuthenticationFilter.Builder builder = SessionAuthenticationFilter.builder(manager());

    assertThatThrownBy(
            () -> builder.allowedOrigins(List.of("https://ok.example", "https://app.example/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'https://app.example/'")
        .hasMessageContaining("must be scheme://host[:port]");
    assertThatThrownBy(() -> builder.allowedOrigins(List.of("*")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.allowedOrigins(Arrays.asList("https://a.example", null)))
        .isInstanceOf(NullPointerException.class);
    assertThat(
            Origins.allowing(List.of("https://App.example", "https://app.example:443")).allowed())
        .containsExactly("https://app.example:443");
  }

  @Test
  void onlyGetHeadOptionsAndTraceAreSafe() {
    for (String safe : List.of("GET", "HEAD", "OPTIONS", "TRACE")) {
      assertThat(Origins.isUnsafe(safe)).as(safe).isFalse();
    }
    for (String unsafe : List.of("POST", "PUT", "PATCH", "DELETE", "get", "PROPFIND")) {
      assertThat(Origins.isUnsafe(unsafe)).as(unsafe).isTrue();
    }
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
