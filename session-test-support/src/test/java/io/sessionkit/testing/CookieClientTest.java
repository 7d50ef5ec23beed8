package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CookieClientTest {

  @Test
  void setCookieKeepsEveryAttributeAndHidesTheValue() {
    CookieClient.SetCookie cookie =
        CookieClient.SetCookie.parse(
            "access_token=eyJ.secret; Max-Age=900; Path=/; Secure; HttpOnly; SameSite=Lax");

    assertThat(cookie.name()).isEqualTo("access_token");
    assertThat(cookie.value()).isEqualTo("eyJ.secret");
    assertThat(cookie.maxAge()).hasValue(900L);
    assertThat(cookie.has("httponly")).isTrue();
    assertThat(cookie.attribute("SameSite")).hasValue("Lax");
    assertThat(cookie.clears()).isFalse();
    assertThat(cookie.toString()).doesNotContain("secret");
  }

  @Test
  void anEmptyValueOrANonPositiveMaxAgeClearsTheCookie() {
    assertThat(CookieClient.SetCookie.parse("a=; Path=/").clears()).isTrue();
    assertThat(CookieClient.SetCookie.parse("a=b; Max-Age=0").clears()).isTrue();
    assertThat(CookieClient.SetCookie.parse("a=b; Max-Age=-1").clears()).isTrue();
  }

  @Test
  void anAttributeTwiceIsAnError() {
    assertThatThrownBy(() -> CookieClient.SetCookie.parse("a=b; Path=/; path=/x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("attribute path twice in Set-Cookie a");
  }
}
