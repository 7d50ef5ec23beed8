package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathRulesTest {

  private final PathRules rules =
      PathRules.builder()
          .protect("/api/**", "/admin")
          .permit("/api/v1/auth/login", "/api/public/**")
          .build();

  @Test
  void protectAllProtectsEveryPath() {
    assertThat(PathRules.protectAll().isProtected("/")).isTrue();
    assertThat(PathRules.protectAll().isProtected("/anything/at/all")).isTrue();
    assertThat(PathRules.protectAll().isProtected("")).isTrue();
  }

  @Test
  void prefixPatternCoversItsRootAndEverythingBelow() {
    assertThat(rules.isProtected("/api")).isTrue();
    assertThat(rules.isProtected("/api/")).isTrue();
    assertThat(rules.isProtected("/api/orders/7")).isTrue();
  }

  @Test
  void prefixPatternDoesNotCoverSiblingsSharingItsPrefix() {
    assertThat(rules.isProtected("/apiary")).isFalse();
    assertThat(rules.isProtected("/api-docs")).isFalse();
  }

  @Test
  void exactPatternCoversOnlyThatPath() {
    assertThat(rules.isProtected("/admin")).isTrue();
    assertThat(rules.isProtected("/admin/users")).isFalse();
    assertThat(rules.isProtected("/admin/")).isFalse();
  }

  @Test
  void permitPatternWinsOverProtectPattern() {
    assertThat(rules.isProtected("/api/v1/auth/login")).isFalse();
    assertThat(rules.isProtected("/api/v1/auth/login/x")).isTrue();
    assertThat(rules.isProtected("/api/public")).isFalse();
    assertThat(rules.isProtected("/api/public/docs/1")).isFalse();
  }

  @Test
  void unprotectedPathsAreThoseNoProtectPatternMatches() {
    assertThat(rules.isProtected("/")).isFalse();
    assertThat(rules.isProtected("/index.html")).isFalse();
  }

  @Test
  void matchingIsCaseSensitive() {
    assertThat(rules.isProtected("/API/orders")).isFalse();
    assertThat(rules.isProtected("/api/V1/auth/login")).isTrue();
  }

  @Test
  void percentEncodedPathsAreMatchedDecoded() {
    assertThat(rules.isProtected("/%61pi/orders")).isTrue();
    assertThat(rules.isProtected("/api/v1/auth/%6Cogin")).isFalse();
    assertThat(rules.isProtected("/caf%C3%A9")).isFalse();
    assertThat(rules.isProtected("/what%3F")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/public/../orders",
        "/api/public/%2e%2e/orders",
        "/api/public/..%2forders",
        "/api/public%2F..%2Forders",
        "/api/public/./x",
        "/api/public/.",
        "/api/public//x",
        "//api/public/x",
        "/api/public;jsessionid=1/x",
        "/api/public/x;",
        "/api/public\\x",
        "/api/public/%5c",
        "/api/public/%25",
        "/api/public/%252e%252e/x",
        "/api/public/%",
        "/api/public/%g1",
        "/api/public/%C0%AE",
        "/api/public/%00",
        "/api/public/\u00e9",
        "/api/public/\u0001",
        "relative/path",
        "/api/public?x=1",
        "/api/public#top",
        "/apiary?/api",
        "/api/v1/auth/login/.."
      })
  void pathsThatCannotBeMatchedReliablyAreProtected(String path) {
    assertThat(rules.isProtected(path)).as(path).isTrue();
  }

  @Test
  void overlongPathsAreProtected() {
    assertThat(rules.isProtected("/api/public/" + "a".repeat(RequestPaths.MAX_LENGTH))).isTrue();
  }

  @Test
  void noProtectPatternMeansEverythingIsProtectedButThePermitted() {
    PathRules permitOnly = PathRules.builder().permit("/login", "/static/**").build();

    assertThat(permitOnly.isProtected("/orders")).isTrue();
    assertThat(permitOnly.isProtected("/login")).isFalse();
    assertThat(permitOnly.isProtected("/static/app.js")).isFalse();
    assertThat(permitOnly.protectPatterns()).containsExactly("/**");
  }

  @Test
  void patternsAreKeptInOrder() {
    assertThat(rules.protectPatterns()).containsExactly("/api/**", "/admin");
    assertThat(rules.permitPatterns()).containsExactly("/api/v1/auth/login", "/api/public/**");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "api/**", "/api/*", "/api/**/x", "/**/api", "/a*b", "/api/", "//**", "/api//**",
        "/api/../x", "/api//x", "/api/./x", "/api;x", "/api%2F", "/a\\b", "/a b", "/a?b", "/a#b",
        "/caf\u00e9", "/a\u0000"
      })
  void invalidPatternsAreRejectedNamingThePatternAndTheRule(String pattern) {
    assertThatThrownBy(() -> PathRules.builder().protect(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'")
        .hasMessageContaining("must");
    assertThatThrownBy(() -> PathRules.builder().permit(pattern))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullPatternsAreRejected() {
    assertThatThrownBy(() -> PathRules.builder().protect((String) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PathRules.builder().permit((String[]) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> rules.isProtected((String) null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void rootAndCatchAllPatternsAreValid() {
    PathRules root = PathRules.builder().protect("/").build();

    assertThat(root.isProtected("/")).isTrue();
    assertThat(root.isProtected("/x")).isFalse();
  }
}
