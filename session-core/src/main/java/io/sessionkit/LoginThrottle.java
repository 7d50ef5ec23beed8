package io.sessionkit;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits failed logins per key (typically username and client address): after {@code maxFailures}
 * failures within a window, further attempts are refused until the window ends. Implementations:
 * {@code io.sessionkit.redis.RedisLoginThrottle} (shared by all instances) and {@code
 * io.sessionkit.memory.InMemoryLoginThrottle}.
 *
 * <p>Thread-safe. An unreachable store lets attempts through (and logs it): locking every user out
 * because Redis is down would turn an outage into a worse one.
 */
public interface LoginThrottle {

  /** Whether an attempt for this key may go ahead now. Does not count it. */
  Decision check(String key);

  /** Counts a failed attempt and says whether the next one may go ahead. */
  Decision recordFailure(String key);

  /** Forgets the key's failures, e.g. after a successful login. */
  void reset(String key);

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
}
