package io.sessionkit.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that tests move by hand. One {@link #at(Instant) standing} still moves only when told
 * to; one {@link #flowing() flowing} is real time plus an offset that tests change, for an
 * application whose background work needs time to pass. Thread-safe.
 */
public final class MutableClock extends Clock {

  private final boolean flowing;
  // the standing clock's instant, or the flowing clock's offset from real time
  private final AtomicReference<Instant> base;

  private MutableClock(boolean flowing, Instant base) {
    this.flowing = flowing;
    this.base = new AtomicReference<>(base);
  }

  /** A clock standing at {@code start}. */
  public static MutableClock at(Instant start) {
    return new MutableClock(false, start);
  }

  /** A clock standing at the current time, truncated to milliseconds as stores keep it. */
  public static MutableClock atNow() {
    return at(Instant.ofEpochMilli(System.currentTimeMillis()));
  }

  /** A clock at real time that {@link #advance(Duration)} and {@link #set(Instant)} shift. */
  public static MutableClock flowing() {
    return new MutableClock(true, Instant.EPOCH);
  }

  /** Moves the clock forward (or back, with a negative duration). */
  public void advance(Duration duration) {
    base.updateAndGet(t -> t.plus(duration));
  }

  /** Sets the clock to {@code instant}; a flowing clock goes on from there. */
  public void set(Instant instant) {
    base.set(flowing ? Instant.EPOCH.plus(Duration.between(Instant.now(), instant)) : instant);
  }

  @Override
  public Instant instant() {
    return flowing ? Instant.now().plus(Duration.between(Instant.EPOCH, base.get())) : base.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("MutableClock is always UTC");
  }
}
