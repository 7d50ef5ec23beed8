package io.sessionkit.spring;

import io.sessionkit.SessionStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Whether the Redis session store has answered once since this instance started. A Redis address
 * that is wrong (or a Redis that is not there yet) must not look like a short outage: until the
 * store has answered, the application's readiness is {@code REFUSING_TRAFFIC} (Boot's readiness
 * probe answers 503), the {@code sessionKit} health component is {@code DOWN}, and an ERROR names
 * the address (without credentials) once at start and again every minute. Once the store has
 * answered, this steps aside for good: later outages are the fallback mode's business.
 *
 * <p>Readiness is decided where Boot's readiness probe asks, by {@link
 * StoreAwareReadinessIndicator}, not by publishing availability events: an event published from
 * here could reach Boot's record of the state before or after Boot's own {@code ACCEPTING_TRAFFIC}
 * at the end of start-up, and the later one would win.
 *
 * <p>Checks once at start, then every second until the store answers, on a daemon thread of its
 * own, stopped with the context. Thread-safe.
 */
final class StoreReachability implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SessionKitAutoConfiguration.class);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final long ERROR_EVERY = 60;

  private final SessionStore store;
  private final String address;
  private final AtomicBoolean reached = new AtomicBoolean();
  private volatile boolean running;
  private volatile @Nullable ScheduledExecutorService retries;
  private long failures;

  StoreReachability(SessionStore store, String address) {
    this.store = store;
    this.address = address;
  }

  /** Whether the store has answered since start. */
  boolean reachedSinceStart() {
    return reached.get();
  }

  /** Records an answer of the store seen elsewhere (a health check). */
  void answered() {
    if (reached.compareAndSet(false, true)) {
      log.info("sessionkit: the Redis session store at {} answers", address);
    }
  }

  @Override
  public void start() {
    running = true;
    if (store.ping()) {
      reached.set(true);
      return;
    }
    log.error(
        "sessionkit: the Redis session store at {} does not answer: check the address and that"
            + " Redis runs. Readiness stays REFUSING_TRAFFIC until it answers.",
        address);
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "sessionkit-store-reachability");
              thread.setDaemon(true);
              return thread;
            });
    retries = executor;
    executor.scheduleWithFixedDelay(
        () -> retry(executor), RETRY.toMillis(), RETRY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void retry(ScheduledExecutorService executor) {
    if (reached.get() || store.ping()) {
      answered();
      executor.shutdown();
    } else if (++failures % ERROR_EVERY == 0) {
      log.error("sessionkit: the Redis session store at {} has not answered since start", address);
    }
  }

  @Override
  public void stop() {
    running = false;
    ScheduledExecutorService thread = retries;
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public String toString() {
    return "StoreReachability[" + address + ", reached=" + reached.get() + "]";
  }
}
