package io.sessionkit.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that may happen once per request, logged at most once per period with how often it
 * happened since the last line: an outage or an attack must not write a log line per request.
 * Thread-safe.
 */
public final class AggregatedWarning {

  private final Logger log;
  private final long periodNanos;
  private final String message;
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong nextLineAt = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param message an SLF4J message with one {@code {}}, which receives the count
   */
  public AggregatedWarning(Logger log, Duration period, String message) {
    this.log = log;
    this.periodNanos = period.toNanos();
    this.message = message;
  }

  /** Counts one occurrence, and logs the count when the period since the last line is over. */
  public void record() {
    count.incrementAndGet();
    long now = System.nanoTime();
    long due = nextLineAt.get();
    if ((due == Long.MIN_VALUE || now - due >= 0)
        && nextLineAt.compareAndSet(due, now + periodNanos)) {
      log.warn(message, count.getAndSet(0));
    }
  }
}
