package io.sessionkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionManager;
import io.sessionkit.jwt.SigningKey;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class SettingTest {

  private static final Setting LIFETIME =
      new Setting("sessionkit.session-lifetime", "sessionLifetime", "set a positive duration");
  private static final Setting TOUCH =
      new Setting("sessionkit.touch-interval", "touchInterval", "set a duration");

  @Test
  void theBuildersRuleIsReportedUnderThePropertysName() {
    assertThatThrownBy(
            () -> LIFETIME.apply(() -> SessionManager.builder().sessionLifetime(Duration.ZERO)))
        .isInstanceOf(InvalidSessionKitConfigurationException.class)
        .hasMessage(
            "sessionkit.session-lifetime must be > 0, but was PT0S: set a positive duration")
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aValueBoundToNothingIsNotSet() {
    assertThatThrownBy(() -> LIFETIME.apply(() -> Objects.requireNonNull(null, "sessionLifetime")))
        .isInstanceOf(InvalidSessionKitConfigurationException.class)
        .hasMessage("sessionkit.session-lifetime is not set: set a positive duration");
  }

  @Test
  void aRuleThatDoesNotNameTheSettingIsQuotedAfterTheProperty() {
    assertThatThrownBy(
            () ->
                LIFETIME.apply(
                    () -> {
                      throw new IllegalStateException("something else is wrong");
                    }))
        .hasMessage(
            "sessionkit.session-lifetime is invalid (something else is wrong): set a positive"
                + " duration");
  }

  @Test
  void aRuleAboutSeveralSettingsNamesEachAndTakesTheFixOfTheFirstItNames() {
    assertThatThrownBy(
            () ->
                Setting.apply(
                    () -> {
                      throw new IllegalStateException(
                          "touchInterval must be shorter than sessionLifetime");
                    },
                    LIFETIME,
                    TOUCH))
        .hasMessage(
            "sessionkit.touch-interval must be shorter than sessionkit.session-lifetime: set a"
                + " duration");
  }

  @Test
  void onlyWholeWordsAreRenamed() {
    Setting secret = new Setting("sessionkit.jwt.secret", "secret", "fix");
    assertThatThrownBy(
            () -> secret.apply(() -> SigningKey.hmacSha256("k1", "short-secrets-are-bad")))
        .hasMessageStartingWith("sessionkit.jwt.secret must be at least 32 bytes")
        .hasMessageNotContaining("short-secrets-are-bad");
  }

  @Test
  void aStepThatSucceedsReturnsItsResult() {
    assertThat(LIFETIME.apply(() -> "built")).isEqualTo("built");
  }
}
