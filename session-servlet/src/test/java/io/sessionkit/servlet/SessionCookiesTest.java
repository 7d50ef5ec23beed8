package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.AccessToken;
import io.sessionkit.RefreshToken;
import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionCookiesTest {

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private final MutableClock clock = MutableClock.at(NOW);

  private static AccessToken access(Instant expiresAt) {
    return new AccessToken("eyJ.eyJ.sig", "jti", NOW, expiresAt);
  }

  private static RefreshToken refresh(Instant expiresAt) {
    return new RefreshToken("sid.secret", expiresAt);
  }

  @Test
  void defaultsAreSecureLaxRootHostOnly() {
    SessionCookies cookies = SessionCookies.defaults();

    assertThat(cookies.accessTokenName()).isEqualTo("access_token");
    assertThat(cookies.refreshTokenName()).isEqualTo("refresh_token");
    assertThat(cookies.secure()).isTrue();
    assertThat(cookies.sameSite()).isEqualTo("Lax");
    assertThat(cookies.path()).isEqualTo("/");
    assertThat(cookies.domain()).isEmpty();
  }

  @Test
  void writeSetsBothCookiesWithMaxAgeUntilEachExpiry() {
    FakeHttp.Response response = new FakeHttp.Response();

    SessionCookies.builder()
        .clock(clock)
        .build()
        .write(response.proxy, access(NOW.plusSeconds(900)), refresh(NOW.plus(Duration.ofDays(7))));

    assertThat(response.all("Set-Cookie"))
        .containsExactly(
            "access_token=eyJ.eyJ.sig; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax",
            "refresh_token=sid.secret; Max-Age=604800; Path=/; Secure; HttpOnly; SameSite=Lax");
    assertThat(response.all("Cache-Control")).containsExactly("no-store");
  }

  @Test
  void maxAgeRoundsDownAndNeverGoesNegative() {
    clock.set(NOW.plusMillis(400));
    FakeHttp.Response response = new FakeHttp.Response();

    SessionCookies.builder()
        .clock(clock)
        .build()
        .write(response.proxy, access(NOW.minusSeconds(5)), refresh(NOW.plusSeconds(10)));

    assertThat(response.all("Set-Cookie").get(0)).contains("Max-Age=0;");
    assertThat(response.all("Set-Cookie").get(1)).contains("Max-Age=9;");
  }

  @Test
  void writeKeepsAnExistingCacheControl() {
    FakeHttp.Response response = new FakeHttp.Response();
    response.proxy.setHeader("Cache-Control", "private");

    SessionCookies.defaults().write(response.proxy, access(NOW), refresh(NOW));

    assertThat(response.all("Cache-Control")).containsExactly("private");
  }

  @Test
  void clearWritesBothEmptyWithMaxAgeZero() {
    FakeHttp.Response response = new FakeHttp.Response();

    SessionCookies.defaults().clear(response.proxy);

    assertThat(response.all("Set-Cookie"))
        .containsExactly(
            "access_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax",
            "refresh_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax");
  }

  @Test
  void everySettingShowsInTheHeader() {
    SessionCookies cookies =
        SessionCookies.builder()
            .accessTokenName("at")
            .refreshTokenName("rt")
            .secure(false)
            .sameSite("strict")
            .path("/app")
            .domain("Example.COM")
            .clock(clock)
            .build();
    FakeHttp.Response response = new FakeHttp.Response();

    cookies.clear(response.proxy);

    assertThat(response.all("Set-Cookie"))
        .containsExactly(
            "at=; Max-Age=0; Path=/app; Domain=example.com; HttpOnly; SameSite=Strict",
            "rt=; Max-Age=0; Path=/app; Domain=example.com; HttpOnly; SameSite=Strict");
    assertThat(cookies.domain()).hasValue("example.com");
  }

  @Test
  void readFindsTheNamedCookieAmongOthers() {
    SessionCookies cookies = SessionCookies.defaults();
    var request =
        FakeHttp.request(
            "10.0.0.1", "Cookie", "theme=dark; access_token=abc.def ;refresh_token=\"sid.secret\"");

    assertThat(cookies.accessToken(request)).hasValue("abc.def");
    assertThat(cookies.refreshToken(request)).hasValue("sid.secret");
  }

  @Test
  void readSkipsUnreadableValuesAndTakesTheFirstReadableOne() {
    var request =
        FakeHttp.request(
            "10.0.0.1",
            "Cookie",
            "access_token=; access_token=a b",
            "Cookie",
            "access_token=" + "x".repeat(SessionCookies.MAX_VALUE_LENGTH + 1),
            "Cookie",
            "access_token=\u00e9; access_token=good; access_token=later");

    assertThat(SessionCookies.defaults().accessToken(request)).hasValue("good");
  }

  @Test
  void readIgnoresMalformedHeaders() {
    for (String header :
        new String[] {
          "", ";", "=", "access_token", "=access_token", "access_token=\"", "xaccess_token=1"
        }) {
      assertThat(
              SessionCookies.defaults().accessToken(FakeHttp.request("10.0.0.1", "Cookie", header)))
          .as(header)
          .isEmpty();
    }
    assertThat(SessionCookies.defaults().accessToken(FakeHttp.request("10.0.0.1"))).isEmpty();
  }

  @Test
  void sameSiteNoneRequiresSecure() {
    assertThatThrownBy(() -> SessionCookies.builder().sameSite("None").secure(false).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("None")
        .hasMessageContaining("secure");
    assertThat(SessionCookies.builder().sameSite("none").build().sameSite()).isEqualTo("None");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Lax;", "strictly", "None ", "0"})
  void sameSiteMustBeStrictLaxOrNone(String sameSite) {
    assertThatThrownBy(() -> SessionCookies.builder().sameSite(sameSite))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + sameSite + "'")
        .hasMessageContaining("Strict, Lax or None");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a;b", "a=b", "a,b", "(a)", "caf\u00e9", "a\tb"})
  void cookieNamesMustBeTokens(String name) {
    assertThatThrownBy(() -> SessionCookies.builder().accessTokenName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accessTokenName")
        .hasMessageContaining("'" + name + "'");
    assertThatThrownBy(() -> SessionCookies.builder().refreshTokenName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshTokenName");
  }

  @Test
  void cookieNamesMustDiffer() {
    assertThatThrownBy(
            () -> SessionCookies.builder().accessTokenName("t").refreshTokenName("t").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'t'");
  }

  @Test
  void cookieNamePrefixesRequireTheirAttributes() {
    assertThatThrownBy(
            () -> SessionCookies.builder().accessTokenName("__Host-at").path("/app").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("__Host-");
    assertThatThrownBy(
            () -> SessionCookies.builder().accessTokenName("__Secure-at").secure(false).build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(SessionCookies.builder().accessTokenName("__Host-at").build().accessTokenName())
        .isEqualTo("__Host-at");
  }

  @Test
  void refreshCookieScopedToTheRefreshPathIsWrittenAndClearedThere() {
    SessionCookies cookies =
        SessionCookies.builder().clock(clock).refreshTokenPath("/api/v1/auth/refresh").build();
    FakeHttp.Response written = new FakeHttp.Response();
    FakeHttp.Response cleared = new FakeHttp.Response();

    cookies.write(written.proxy, access(NOW.plusSeconds(900)), refresh(NOW.plusSeconds(3600)));
    cookies.clear(cleared.proxy);

    assertThat(cookies.refreshTokenPath()).isEqualTo("/api/v1/auth/refresh");
    assertThat(written.all("Set-Cookie"))
        .containsExactly(
            "access_token=eyJ.eyJ.sig; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax",
            "refresh_token=sid.secret; Max-Age=3600; Path=/api/v1/auth/refresh; Secure; HttpOnly;"
                + " SameSite=Lax");
    assertThat(cleared.all("Set-Cookie"))
        .containsExactly(
            "access_token=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax",
            "refresh_token=; Max-Age=0; Path=/api/v1/auth/refresh; Secure; HttpOnly;"
                + " SameSite=Lax");
    assertThat(SessionCookies.defaults().refreshTokenPath()).isEqualTo("/");
  }

  @Test
  void prefixedNamesGetTheStrongestPrefixTheirAttributesAllow() {
    SessionCookies scoped =
        SessionCookies.builder().prefixedNames(true).refreshTokenPath("/auth/refresh").build();
    SessionCookies root = SessionCookies.builder().prefixedNames(true).build();
    SessionCookies shared =
        SessionCookies.builder().prefixedNames(true).domain("example.com").build();

    assertThat(scoped.accessTokenName()).isEqualTo("__Host-access_token");
    assertThat(scoped.refreshTokenName()).isEqualTo("__Secure-refresh_token");
    assertThat(root.refreshTokenName()).isEqualTo("__Host-refresh_token");
    assertThat(shared.accessTokenName()).isEqualTo("__Secure-access_token");
    assertThat(shared.refreshTokenName()).isEqualTo("__Secure-refresh_token");
  }

  @Test
  void prefixedNamesNeedSecureCookiesAndUnprefixedNames() {
    assertThatThrownBy(() -> SessionCookies.builder().prefixedNames(true).secure(false).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("secure(true)");
    assertThatThrownBy(
            () ->
                SessionCookies.builder()
                    .prefixedNames(true)
                    .accessTokenName("__Host-access_token")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'__Host-access_token'");
  }

  @Test
  void hostPrefixOnAScopedRefreshCookieIsRefused() {
    assertThatThrownBy(
            () ->
                SessionCookies.builder()
                    .refreshTokenName("__Host-rt")
                    .refreshTokenPath("/auth/refresh")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'/auth/refresh'");
    assertThatThrownBy(() -> SessionCookies.builder().refreshTokenPath("auth/refresh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshTokenPath must");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "app", "/a;b", "/a b", "/a,b", "/caf\u00e9", "/a\nb"})
  void pathMustBeAnAbsolutePlainPath(String path) {
    assertThatThrownBy(() -> SessionCookies.builder().path(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("path must")
        .hasMessageContaining("'" + path + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "-example.com",
        "example..com",
        "exa mple.com",
        "example.com;",
        "http://example.com",
        "a_b.com"
      })
  void domainMustBeAHostName(String domain) {
    assertThatThrownBy(() -> SessionCookies.builder().domain(domain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("domain must")
        .hasMessageContaining("'" + domain + "'");
  }

  @Test
  void nullSettingsAreRejected() {
    assertThatThrownBy(() -> SessionCookies.builder().accessTokenName(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SessionCookies.builder().sameSite(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SessionCookies.builder().domain(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SessionCookies.builder().clock(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void tokenThatIsNotACookieValueIsRefusedWithoutShowingIt() {
    FakeHttp.Response response = new FakeHttp.Response();
    AccessToken bad = new AccessToken("secret value;", "jti", NOW, NOW);

    assertThatThrownBy(() -> SessionCookies.defaults().write(response.proxy, bad, refresh(NOW)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret value");
    assertThat(response.all("Set-Cookie")).isEmpty();
  }
}
