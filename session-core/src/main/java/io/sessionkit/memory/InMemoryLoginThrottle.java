package io.sessionkit.memory;

import io.sessionkit.LoginThrottle;
import io.sessionkit.internal.Require;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link LoginThrottle} in this process's memory: a fixed window per key, starting at its first
 * failure. Thread-safe (one lock); expired windows are reclaimed as they are met.
 */
public final class InMemoryLoginThrottle implements LoginThrottle {

  private record Window(int failures, Instant endsAt) {}

  private final Clock clock;
  private final int maxFailures;
  private final Duration window;
  private final Map<String, Window> windows = new HashMap<>();

  private InMemoryLoginThrottle(Clock clock, int maxFailures, Duration window) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /** A throttle refusing attempts after {@code maxFailures} failures within {@code window}. */
  public static InMemoryLoginThrottle create(Clock clock, int maxFailures, Duration window) {
    Objects.requireNonNull(clock, "clock");
    Require.atLeast(maxFailures, 1, "maxFailures");
    Require.positive(window, "window");
    return new InMemoryLoginThrottle(clock, maxFailures, window);
  }

  @Override
  public synchronized Decision check(String key) {
    Instant now = clock.instant();
    Window current = live(key, now);
    return current != null && current.failures() >= maxFailures
        ? Decision.refuse(Duration.between(now, current.endsAt()))
        : Decision.allow();
  }

  @Override
  public synchronized Decision recordFailure(String key) {
    Instant now = clock.instant();
    if (windows.size() > 100_000) {
      windows.values().removeIf(w -> !now.isBefore(w.endsAt()));
    }
    Window current = live(key, now);
    Window next =
        current == null
            ? new Window(1, now.plus(window))
            : new Window(current.failures() + 1, current.endsAt());
    windows.put(key, next);
    return next.failures() >= maxFailures
        ? Decision.refuse(Duration.between(now, next.endsAt()))
        : Decision.allow();
  }

  @Override
  public synchronized void reset(String key) {
    windows.remove(key);
  }

  private @org.jspecify.annotations.Nullable Window live(String key, Instant now) {
    Window current = windows.get(key);
    if (current != null && !now.isBefore(current.endsAt())) {
      windows.remove(key);
      return null;
    }
    return current;
  }
}
