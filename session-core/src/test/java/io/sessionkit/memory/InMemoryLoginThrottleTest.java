package io.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.LoginThrottle;
import io.sessionkit.LoginThrottleContract;
import io.sessionkit.testing.MutableClock;
import org.junit.jupiter.api.Test;

class InMemoryLoginThrottleTest extends LoginThrottleContract {

  @Override
  protected LoginThrottle createThrottle(MutableClock clock) {
    return InMemoryLoginThrottle.create(clock, MAX_FAILURES, WINDOW);
  }

  @Test
  void attemptsAreAllowedAgainOnceTheWindowHasPassed() {
    String key = newKey();
    for (int i = 0; i < MAX_FAILURES; i++) {
      throttle.recordFailure(key);
    }

    clock.advance(WINDOW);

    assertThat(throttle.check(key).allowed()).isTrue();
  }
}
