package io.sessionkit;

import io.sessionkit.internal.Require;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits password guessing. Every login attempt is counted, and decided on, in one atomic step
 * before the password is checked, so that parallel attempts cannot slip past the limit; an attempt
 * that then succeeds is taken back. Three counters share one window, which starts at a counter's
 * first attempt: per account and client address (the user who mistypes), per account across
 * addresses (credential stuffing from many addresses), and per address across accounts (one address
 * trying many accounts). Implementations: {@code io.sessionkit.redis.RedisLoginThrottle} (shared by
 * all instances) and {@code io.sessionkit.memory.InMemoryLoginThrottle}.
 *
 * <p>Thread-safe. While its store is unreachable, a throttle keeps counting on this instance rather
 * than letting every attempt through.
 */
public interface LoginThrottle {

  /**
   * Counts an attempt to log in to {@code account} from {@code address} and decides whether it may
   * go ahead. Call it before checking the password; refuse the login, whatever the password, when
   * it is not allowed.
   */
  Decision attempt(String account, String address);

  /**
   * The attempt was allowed and the password was right: it no longer counts, and the failures of
   * this account from this address are forgotten. Need not be waited for.
   */
  void succeeded(String account, String address);

  /**
   * A throttle's answer.
   *
   * @param allowed whether the attempt may go ahead
   * @param retryAfter when refused, how long until attempts are allowed again; zero otherwise
   */
  record Decision(boolean allowed, Duration retryAfter) {

    private static final Decision ALLOWED = new Decision(true, Duration.ZERO);

    public Decision {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public static Decision allow() {
      return ALLOWED;
    }

    public static Decision refuse(Duration retryAfter) {
      return new Decision(false, retryAfter);
    }
  }

  /**
   * How many attempts each counter allows per window.
   *
   * @param perAccountAndAddress attempts per account from one address (the limit a user who
   *     mistypes meets)
   * @param perAccount attempts per account from all addresses together
   * @param perAddress attempts from one address at all accounts together
   * @param window how long a counter lasts from its first attempt
   */
  record Limits(int perAccountAndAddress, int perAccount, int perAddress, Duration window) {

    public Limits {
      Require.atLeast(perAccountAndAddress, 1, "perAccountAndAddress");
      Require.atLeast(perAccount, perAccountAndAddress, "perAccount");
      Require.atLeast(perAddress, perAccountAndAddress, "perAddress");
      Objects.requireNonNull(window, "window");
      if (window.toMillis() < 1) {
        throw new IllegalArgumentException("window must be at least 1 ms, but was " + window);
      }
    }

    /**
     * {@code maxAttempts} per account and address in {@code window}, ten times that per account and
     * twenty times that per address.
     */
    public static Limits of(int maxAttempts, Duration window) {
      Require.atLeast(maxAttempts, 1, "maxAttempts");
      return new Limits(maxAttempts, maxAttempts * 10, maxAttempts * 20, window);
    }
  }
}
