package io.sessionkit.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops requests from waiting on a Redis that does not answer.
 *
 * <p>After {@code failureThreshold} consecutive failures the breaker opens: calls fail at once
 * instead of each paying the command timeout. While open, a background probe (not a user's request)
 * asks Redis every {@code probeInterval}; the first answer closes the breaker. Thread-safe.
 */
final class CircuitBreaker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private final int failureThreshold;
  private final Duration probeInterval;
  private final BooleanSupplier probe;
  private final Runnable onOpen;
  private final java.util.List<Runnable> openListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final ScheduledExecutorService prober;
  private volatile boolean open;
  private ScheduledFuture<?> probing;

  CircuitBreaker(
      int failureThreshold, Duration probeInterval, BooleanSupplier probe, Runnable onOpen) {
    this.failureThreshold = failureThreshold;
    this.probeInterval = probeInterval;
    this.probe = probe;
    this.onOpen = onOpen;
    this.prober =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sessionkit-redis-probe");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs {@code listener} each time the breaker opens, on the thread that opened it. */
  void onOpen(Runnable listener) {
    openListeners.add(listener);
  }

  /** Whether calls should fail at once. */
  boolean isOpen() {
    return open;
  }

  void recordSuccess() {
    consecutiveFailures.set(0);
  }

  void recordFailure(Exception cause) {
    if (consecutiveFailures.incrementAndGet() >= failureThreshold) {
      open(cause);
    }
  }

  private synchronized void open(Exception cause) {
    if (open || prober.isShutdown()) {
      return;
    }
    open = true;
    log.warn(
        "Redis did not answer {} times in a row ({}): failing session-store calls at once and probing every {} ms",
        failureThreshold,
        cause.getMessage(),
        probeInterval.toMillis());
    onOpen.run();
    openListeners.forEach(Runnable::run);
    probing =
        prober.scheduleWithFixedDelay(
            this::probeOnce,
            probeInterval.toMillis(),
            probeInterval.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void probeOnce() {
    boolean answered;
    try {
      answered = probe.getAsBoolean();
    } catch (RuntimeException e) {
      answered = false;
    }
    if (answered) {
      close(true);
    }
  }

  private synchronized void close(boolean recovered) {
    if (!open) {
      return;
    }
    open = false;
    consecutiveFailures.set(0);
    if (probing != null) {
      probing.cancel(false);
      probing = null;
    }
    if (recovered) {
      log.info("Redis answers again: session-store calls resume");
    }
  }

  /** Runs {@code task} on the prober's thread after one probe interval, unless closed. */
  synchronized void schedule(Runnable task) {
    if (!prober.isShutdown()) {
      prober.schedule(task, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public synchronized void close() {
    prober.shutdownNow();
    open = false;
  }
}
