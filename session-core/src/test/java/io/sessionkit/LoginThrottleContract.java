package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link LoginThrottle} must have; each implementation's test extends it. */
public abstract class LoginThrottleContract {

  protected static final Duration WINDOW = Duration.ofMinutes(1);
  protected static final LoginThrottle.Limits LIMITS = new LoginThrottle.Limits(3, 6, 8, WINDOW);

  protected MutableClock clock;
  protected LoginThrottle throttle;
  private final String runId = Long.toString(System.nanoTime(), 36);
  private int counter;

  /** A throttle with {@link #LIMITS}. */
  protected abstract LoginThrottle createThrottle(MutableClock clock);

  @BeforeEach
  void openThrottle() {
    clock = MutableClock.atNow();
    throttle = createThrottle(clock);
  }

  protected String newAccount() {
    return "alice-" + runId + "-" + (++counter);
  }

  protected String newAddress() {
    return "192.0.2." + (++counter) + "/" + runId;
  }

  @Test
  void attemptsAreRefusedBeyondTheLimitPerAccountAndAddress() {
    String account = newAccount();
    String address = newAddress();
    for (int i = 0; i < LIMITS.perAccountAndAddress(); i++) {
      assertThat(throttle.attempt(account, address)).isEqualTo(LoginThrottle.Decision.allow());
    }

    LoginThrottle.Decision refused = throttle.attempt(account, address);

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(WINDOW);
    assertThat(throttle.attempt(account, newAddress()).allowed()).isTrue();
    assertThat(throttle.attempt(newAccount(), address).allowed()).isTrue();
  }

  @Test
  void sixtyParallelAttemptsAtOneAccountAreEvaluatedOnlyUpToTheLimit() throws Exception {
    String account = newAccount();
    String address = newAddress();
    List<Callable<LoginThrottle.Decision>> attempts = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      attempts.add(() -> throttle.attempt(account, address));
    }

    List<LoginThrottle.Decision> decisions = SessionStoreContract.runTogether(attempts);

    long allowed = decisions.stream().filter(LoginThrottle.Decision::allowed).count();
    if (countsEveryAttemptInOneOrder()) {
      assertThat(allowed).isEqualTo(LIMITS.perAccountAndAddress());
    } else {
      // the account's and the address's counters may see the attempts in different orders: an
      // attempt within one limit can be over the other, so fewer may pass; never more
      assertThat(allowed).isLessThanOrEqualTo(LIMITS.perAccountAndAddress());
    }
  }

  /**
   * Whether every counter sees parallel attempts in the same order: true for one server; false on a
   * Redis Cluster, whose account and address counters may live on different masters.
   */
  protected boolean countsEveryAttemptInOneOrder() {
    return true;
  }

  @Test
  void theAccountCeilingHoldsAcrossAddresses() {
    String account = newAccount();
    for (int i = 0; i < LIMITS.perAccount(); i++) {
      assertThat(throttle.attempt(account, newAddress()).allowed()).isTrue();
    }

    assertThat(throttle.attempt(account, newAddress()).allowed()).isFalse();
    assertThat(throttle.attempt(newAccount(), newAddress()).allowed()).isTrue();
  }

  @Test
  void theAddressCeilingHoldsAcrossAccounts() {
    String address = newAddress();
    for (int i = 0; i < LIMITS.perAddress(); i++) {
      assertThat(throttle.attempt(newAccount(), address).allowed()).isTrue();
    }

    assertThat(throttle.attempt(newAccount(), address).allowed()).isFalse();
    assertThat(throttle.attempt(newAccount(), newAddress()).allowed()).isTrue();
  }

  @Test
  void aSuccessForgetsTheFailuresAndDoesNotCount() throws Exception {
    String account = newAccount();
    String address = newAddress();
    for (int i = 0; i < LIMITS.perAccountAndAddress() - 1; i++) {
      throttle.attempt(account, address);
    }
    assertThat(throttle.attempt(account, address).allowed()).isTrue();

    throttle.succeeded(account, address);

    awaitAllowedTimes(account, address, LIMITS.perAccountAndAddress());
  }

  @Test
  void successesDoNotAddUpToTheCeilings() throws Exception {
    String address = newAddress();
    for (int i = 0; i < LIMITS.perAddress() * 2; i++) {
      String account = newAccount();
      assertThat(throttle.attempt(account, address).allowed()).as("attempt %d", i).isTrue();
      throttle.succeeded(account, address);
      settle();
    }
  }

  /** Lets a throttle whose successes are written without waiting catch up; none by default. */
  protected void settle() throws Exception {}

  private void awaitAllowedTimes(String account, String address, int times) throws Exception {
    settle();
    for (int i = 0; i < times; i++) {
      assertThat(throttle.attempt(account, address).allowed()).as("attempt %d", i).isTrue();
    }
    assertThat(throttle.attempt(account, address).allowed()).isFalse();
  }

  @Test
  void anAllowedAnswerWaitsForNothing() {
    assertThat(throttle.attempt(newAccount(), newAddress()).retryAfter()).isZero();
  }

  @Test
  void limitsAreValidatedWithTheRule() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new LoginThrottle.Limits(5, 4, 100, WINDOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("perAccount must be >= 5, but was 4");
    assertThat(LoginThrottle.Limits.of(5, WINDOW))
        .isEqualTo(new LoginThrottle.Limits(5, 50, 100, WINDOW));
  }
}
