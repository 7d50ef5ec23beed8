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
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Whether the Redis session store has answered once since this instance started. A Redis address
 * that is wrong (or a Redis that is not there yet) must not look like a short outage: until the
 * store has answered, the application's readiness is {@code REFUSING_TRAFFIC} (Boot's readiness
 * probe answers 503), the {@code sessionKit} health component is {@code DOWN}, and an ERROR names
 * the address (without credentials) once at start and again every minute. Once the store has
 * answered, this steps aside for good: later outages are the fallback mode's business.
 *
 * <p>Checks once at start, then every second until the store answers, on a daemon thread of its
 * own, stopped with the context. Thread-safe.
 */
final class StoreReachability
    implements SmartLifecycle, ApplicationListener<AvailabilityChangeEvent<?>> {

  private static final Logger log = LoggerFactory.getLogger(SessionKitAutoConfiguration.class);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final long ERROR_EVERY = 60;

  private final SessionStore store;
  private final String address;
  private final ApplicationEventPublisher publisher;
  private final @Nullable ApplicationAvailability availability;
  private final AtomicBoolean reached = new AtomicBoolean();
  private volatile boolean running;
  private volatile @Nullable ScheduledExecutorService retries;
  private long failures;

  StoreReachability(
      SessionStore store,
      String address,
      ApplicationEventPublisher publisher,
      @Nullable ApplicationAvailability availability) {
    this.store = store;
    this.address = address;
    this.publisher = publisher;
    this.availability = availability;
  }

  /** Whether the store has answered since start. */
  boolean reachedSinceStart() {
    return reached.get();
  }

  /** Records an answer of the store seen elsewhere (a health check). */
  void answered() {
    if (reached.compareAndSet(false, true)) {
      log.info("sessionkit: the Redis session store at {} answers", address);
      AvailabilityChangeEvent.publish(publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
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
      // queued tasks (a readiness answer) still run; no more retries
      executor.shutdown();
    } else {
      if (++failures % ERROR_EVERY == 0) {
        log.error(
            "sessionkit: the Redis session store at {} has not answered since start", address);
      }
      holdReadiness();
    }
  }

  // Boot marks the application ready at the end of its start; not while the store never
  // answered. The answer goes out from the retry thread (publishing inside Boot's own event would
  // be recorded before it), and every retry checks again, so a race with Boot's event is put
  // right within one retry interval.
  @Override
  public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
    ScheduledExecutorService thread = retries;
    if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC
        && event.getSource() != this
        && !reached.get()
        && thread != null) {
      thread.execute(this::holdReadiness);
    }
  }

  private void holdReadiness() {
    if (reached.get()) {
      return;
    }
    if (availability == null
        || availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
      AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
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
