package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link LoginThrottle} must have; each implementation's test extends it. */
public abstract class LoginThrottleContract {

  protected static final int MAX_FAILURES = 3;
  protected static final Duration WINDOW = Duration.ofMinutes(1);

  protected MutableClock clock;
  protected LoginThrottle throttle;
  private final String runId = Long.toString(System.nanoTime(), 36);
  private int keyCounter;

  /** A throttle allowing {@link #MAX_FAILURES} failures per {@link #WINDOW}. */
  protected abstract LoginThrottle createThrottle(MutableClock clock);

  @BeforeEach
  void openThrottle() {
    clock = MutableClock.atNow();
    throttle = createThrottle(clock);
  }

  protected String newKey() {
    return "alice|192.0.2." + (++keyCounter) + "|" + runId;
  }

  @Test
  void attemptsAreRefusedOnceTheFailuresReachTheLimit() {
    String key = newKey();
    assertThat(throttle.check(key).allowed()).isTrue();
    assertThat(throttle.recordFailure(key).allowed()).isTrue();
    assertThat(throttle.recordFailure(key).allowed()).isTrue();

    LoginThrottle.Decision third = throttle.recordFailure(key);

    assertThat(third.allowed()).isFalse();
    assertThat(third.retryAfter()).isPositive().isLessThanOrEqualTo(WINDOW);
    LoginThrottle.Decision check = throttle.check(key);
    assertThat(check.allowed()).isFalse();
    assertThat(check.retryAfter()).isPositive().isLessThanOrEqualTo(WINDOW);
  }

  @Test
  void keysAreThrottledIndependently() {
    String key = newKey();
    for (int i = 0; i < MAX_FAILURES; i++) {
      throttle.recordFailure(key);
    }

    assertThat(throttle.check(key).allowed()).isFalse();
    assertThat(throttle.check(newKey()).allowed()).isTrue();
  }

  @Test
  void aResetForgetsTheFailures() {
    String key = newKey();
    for (int i = 0; i < MAX_FAILURES; i++) {
      throttle.recordFailure(key);
    }

    throttle.reset(key);

    assertThat(throttle.check(key)).isEqualTo(LoginThrottle.Decision.allow());
    assertThat(throttle.recordFailure(key).allowed()).isTrue();
  }

  @Test
  void anAllowedAnswerWaitsForNothing() {
    assertThat(throttle.check(newKey()).retryAfter()).isZero();
  }
}
