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

  private static final Origins OWN_ONLY = Origins.ownOnly();
  private static final Origins ALLOWING_SIBLING =
      Origins.allowing(List.of("https://www.app.example"));

  private static boolean allows(Origins origins, String... headers) {
    return origins.allows(FakeHttp.request("203.0.113.9", headers));
  }

  @Test
  void ownOriginAndAllowedOriginsPass() {
    assertThat(allows(OWN_ONLY, "Origin", "https://app.example")).isTrue();
    assertThat(allows(OWN_ONLY, "Origin", "https://APP.example:443")).isTrue();
    assertThat(allows(OWN_ONLY, "Origin", "https://app.example", "Sec-Fetch-Site", "same-origin"))
        .isTrue();
    assertThat(allows(ALLOWING_SIBLING, "Origin", "https://www.app.example")).isTrue();
    assertThat(allows(OWN_ONLY, "Origin", "https://www.app.example")).isFalse();
    assertThat(allows(OWN_ONLY, "Origin", "http://app.example")).isFalse();
    assertThat(allows(OWN_ONLY, "Origin", "https://evil.example")).isFalse();
  }

  @Test
  void nullOrUnreadableOrRepeatedOriginIsRefused() {
    assertThat(allows(OWN_ONLY, "Origin", "null")).isFalse();
    assertThat(allows(OWN_ONLY, "Origin", "https://app.example/path")).isFalse();
    assertThat(allows(OWN_ONLY, "Origin", "https://app.example", "Origin", "https://app.example"))
        .isFalse();
  }

  @Test
  void requestWithoutOriginRefererOrFetchMetadataPasses() {
    // curl and server-to-server clients send none of them
    assertThat(allows(OWN_ONLY)).isTrue();
    assertThat(allows(OWN_ONLY, "Sec-Fetch-Site", "same-origin")).isTrue();
    assertThat(allows(OWN_ONLY, "Sec-Fetch-Site", "none")).isTrue();
  }

  @Test
  void crossSiteFetchMetadataIsRefusedWithoutOrigin() {
    // issue 9, finding 6: a cookie-authenticated unsafe request with no Origin passed this
    assertThat(allows(OWN_ONLY, "Sec-Fetch-Site", "cross-site")).isFalse();
    assertThat(allows(OWN_ONLY, "Sec-Fetch-Site", "Cross-Site")).isFalse();
    assertThat(allows(ALLOWING_SIBLING, "Sec-Fetch-Site", "cross-site")).isFalse();
  }

  @Test
  void crossSiteIsRefusedEvenFromAnAllowedOrigin() {
    assertThat(
            allows(
                ALLOWING_SIBLING,
                "Origin",
                "https://www.app.example",
                "Sec-Fetch-Site",
                "cross-site"))
        .isFalse();
  }

  @Test
  void sameSiteIsRefusedUnlessItsOriginIsAllowed() {
    assertThat(allows(OWN_ONLY, "Sec-Fetch-Site", "same-site")).isFalse();
    assertThat(allows(OWN_ONLY, "Origin", "https://www.app.example", "Sec-Fetch-Site", "same-site"))
        .isFalse();
    assertThat(
            allows(
                ALLOWING_SIBLING,
                "Origin",
                "https://www.app.example",
                "Sec-Fetch-Site",
                "same-site"))
        .isTrue();
    // the own origin is never honestly same-site or cross-site
    assertThat(allows(OWN_ONLY, "Origin", "https://app.example", "Sec-Fetch-Site", "cross-site"))
        .isFalse();
    assertThat(
            allows(
                OWN_ONLY,
                "Origin",
                "https://app.example",
                "Sec-Fetch-Site",
                "same-site",
                "Sec-Fetch-Site",
                "same-origin"))
        .isFalse();
  }

  @Test
  void withoutOriginTheRefererMustBeOwnOrAllowed() {
    assertThat(allows(OWN_ONLY, "Referer", "https://app.example/devices?x=1#top")).isTrue();
    assertThat(allows(OWN_ONLY, "Referer", "https://app.example")).isTrue();
    assertThat(allows(ALLOWING_SIBLING, "Referer", "https://www.app.example/")).isTrue();
    assertThat(allows(OWN_ONLY, "Referer", "https://evil.example/app.example")).isFalse();
    assertThat(allows(OWN_ONLY, "Referer", "https://app.example.evil.example/")).isFalse();
    assertThat(allows(OWN_ONLY, "Referer", "https://app.example@evil.example/")).isFalse();
    assertThat(allows(OWN_ONLY, "Referer", "android-app://com.example/")).isFalse();
    assertThat(allows(OWN_ONLY, "Referer", "/relative")).isFalse();
    assertThat(
            allows(OWN_ONLY, "Referer", "https://app.example/", "Referer", "https://app.example/"))
        .isFalse();
    // Origin, when present, is what counts
    assertThat(
            allows(OWN_ONLY, "Origin", "https://evil.example", "Referer", "https://app.example/"))
        .isFalse();
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
