package io.sessionkit.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Polls until something holds, for at most a given time: the one way tests here wait for what
 * happens in the background (a reconnect, a reconcile, a server coming up). Time that tests can
 * drive (expiry) is moved with {@link MutableClock} instead.
 *
 * <pre>{@code
 * Await.atMost(Duration.ofSeconds(5)).until("the store answers again", store::ping);
 * JsonNode list = Await.atMost(Duration.ofSeconds(5))
 *     .until("redis_available", () -> sessions(client), body -> body.get("redis_available").asBoolean());
 * }</pre>
 *
 * <p>The condition is asked at once, then every {@link #every(Duration) interval} (50 ms unless
 * set) until it holds or the time is up; one last ask comes after the deadline, so a slow machine
 * does not fail a condition that became true during the final sleep. What the condition throws is
 * passed on at once. Immutable and thread-safe.
 */
public final class Await {

  private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

  private final Duration timeout;
  private final Duration interval;

  private Await(Duration timeout, Duration interval) {
    this.timeout = timeout;
    this.interval = interval;
  }

  /**
   * Waits for at most {@code timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static Await atMost(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, but was " + timeout);
    }
    return new Await(timeout, DEFAULT_INTERVAL);
  }

  /**
   * The same wait, asking every {@code interval}.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public Await every(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0, but was " + interval);
    }
    return new Await(timeout, interval);
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @param what what is awaited, for the failure message, such as {@code "the store answers"}
   * @throws AssertionError when it does not hold within the time
   */
  public void until(String what, BooleanSupplier condition) {
    until(what, condition::getAsBoolean, Boolean::booleanValue);
  }

  /**
   * Asks {@code poll} until its answer satisfies {@code done}, and returns that answer.
   *
   * @param what what is awaited, for the failure message
   * @throws AssertionError when no answer satisfies {@code done} within the time; the message has
   *     the last answer
   */
  public <T> T until(String what, Supplier<T> poll, Predicate<? super T> done) {
    Holder<T> last = new Holder<>();
    if (!holds(
        () -> {
          last.value = poll.get();
          return done.test(last.value);
        })) {
      throw new AssertionError(
          "Expected " + what + " within " + describe(timeout) + ", last saw: " + last.value);
    }
    return last.value;
  }

  /**
   * Whether {@code condition} holds within the time: for callers that report a timeout their own
   * way.
   */
  public boolean holds(BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean pastDeadline = System.nanoTime() - deadline >= 0;
      if (condition.getAsBoolean()) {
        return true;
      }
      if (pastDeadline) {
        return false;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting", e);
      }
    }
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  private static final class Holder<T> {
    @Nullable T value;
  }
}
