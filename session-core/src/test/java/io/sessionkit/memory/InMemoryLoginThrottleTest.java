package io.sessionkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.LoginThrottle;
import io.sessionkit.LoginThrottleContract;
import io.sessionkit.testing.MutableClock;
import org.junit.jupiter.api.Test;

class InMemoryLoginThrottleTest extends LoginThrottleContract {

  @Override
  protected LoginThrottle createThrottle(MutableClock clock) {
    return InMemoryLoginThrottle.create(clock, LIMITS);
  }

  @Test
  void attemptsAreAllowedAgainOnceTheWindowHasPassed() {
    String account = newAccount();
    String address = newAddress();
    for (int i = 0; i <= LIMITS.perAccountAndAddress(); i++) {
      throttle.attempt(account, address);
    }
    assertThat(throttle.attempt(account, address).allowed()).isFalse();

    clock.advance(WINDOW);

    assertThat(throttle.attempt(account, address).allowed()).isTrue();
  }
}
