package io.sessionkit;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Where a manager's work off the request path runs (writing the outage record, reclaiming ended
 * sessions): an executor the host supplied, or one daemon thread of its own, started on first use.
 * After {@link #close()} nothing more runs; an owned thread is stopped, a host's executor is left
 * alone. Thread-safe.
 */
final class Background implements AutoCloseable {

  private final @Nullable ScheduledExecutorService supplied;
  private @Nullable ScheduledExecutorService owned;
  private boolean closed;

  private Background(@Nullable ScheduledExecutorService supplied) {
    this.supplied = supplied;
  }

  static Background owned() {
    return new Background(null);
  }

  static Background on(ScheduledExecutorService executor) {
    return new Background(executor);
  }

  /** Runs {@code task} soon; does nothing once closed. */
  void execute(Runnable task) {
    schedule(task, Duration.ZERO);
  }

  /** Runs {@code task} after {@code delay}; does nothing once closed. */
  synchronized void schedule(Runnable task, Duration delay) {
    ScheduledExecutorService executor = executor();
    if (executor != null) {
      try {
        executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // the host shut its executor down: the manager is going away too
      }
    }
  }

  /** Runs {@code task} every {@code period}; empty once closed. */
  synchronized @Nullable ScheduledFuture<?> every(Duration period, Runnable task) {
    ScheduledExecutorService executor = executor();
    if (executor == null) {
      return null;
    }
    try {
      long millis = period.toMillis();
      return executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  private @Nullable ScheduledExecutorService executor() {
    if (closed) {
      return null;
    }
    if (supplied != null) {
      return supplied;
    }
    if (owned == null) {
      owned =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "sessionkit-background");
                thread.setDaemon(true);
                return thread;
              });
    }
    return owned;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (owned != null) {
      owned.shutdownNow();
    }
  }
}
