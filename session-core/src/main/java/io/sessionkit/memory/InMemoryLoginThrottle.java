package io.sessionkit.memory;

import io.sessionkit.LoginThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LoginThrottle} in this process's memory: a fixed window per counter, starting at its
 * first attempt. Thread-safe (one lock); expired windows are reclaimed as they are met, and all of
 * them once more than 100,000 are held.
 */
public final class InMemoryLoginThrottle implements LoginThrottle {

  private static final int RECLAIM_ABOVE = 100_000;

  private static final class Window {
    int attempts;
    final Instant endsAt;

    Window(Instant endsAt) {
      this.endsAt = endsAt;
    }
  }

  private final Clock clock;
  private final Limits limits;
  private final Map<String, Window> windows = new HashMap<>();

  private InMemoryLoginThrottle(Clock clock, Limits limits) {
    this.clock = clock;
    this.limits = limits;
  }

  /** A throttle with these limits. */
  public static InMemoryLoginThrottle create(Clock clock, Limits limits) {
    return new InMemoryLoginThrottle(
        Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(limits, "limits"));
  }

  @Override
  public synchronized Decision attempt(String account, String address) {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(address, "address");
    Instant now = clock.instant();
    if (windows.size() > RECLAIM_ABOVE) {
      windows.values().removeIf(w -> !now.isBefore(w.endsAt));
    }
    Instant refusedUntil = null;
    refusedUntil =
        count(pairKey(account, address), limits.perAccountAndAddress(), now, refusedUntil);
    refusedUntil = count(accountKey(account), limits.perAccount(), now, refusedUntil);
    refusedUntil = count(addressKey(address), limits.perAddress(), now, refusedUntil);
    return refusedUntil == null
        ? Decision.allow()
        : Decision.refuse(Duration.between(now, refusedUntil));
  }

  @Override
  public synchronized void succeeded(String account, String address) {
    windows.remove(pairKey(account, address));
    takeBack(accountKey(account));
    takeBack(addressKey(address));
  }

  private @Nullable Instant count(
      String key, int max, Instant now, @Nullable Instant refusedUntil) {
    Window window = windows.get(key);
    if (window == null || !now.isBefore(window.endsAt)) {
      window = new Window(now.plus(limits.window()));
      windows.put(key, window);
    }
    window.attempts++;
    if (window.attempts <= max) {
      return refusedUntil;
    }
    return refusedUntil == null || window.endsAt.isAfter(refusedUntil)
        ? window.endsAt
        : refusedUntil;
  }

  private void takeBack(String key) {
    Window window = windows.get(key);
    if (window != null && window.attempts > 0) {
      window.attempts--;
    }
  }

  // the separators cannot occur in an account or address as the three kinds of key are told apart
  private static String pairKey(String account, String address) {
    return "p\u0000" + account + "\u0000" + address;
  }

  private static String accountKey(String account) {
    return "a\u0000" + account;
  }

  private static String addressKey(String address) {
    return "i\u0000" + address;
  }
}
