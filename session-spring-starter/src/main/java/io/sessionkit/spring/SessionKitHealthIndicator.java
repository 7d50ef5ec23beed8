package io.sessionkit.spring;

import io.sessionkit.FallbackMode;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports whether the session store answers, as the {@code sessionKit} health component.
 *
 * <ul>
 *   <li>store answers {@link SessionStore#ping()}: {@code UP};
 *   <li>store unreachable with {@code fallback=deny}: {@code DOWN}, since every authenticated
 *       request is then refused with 503;
 *   <li>a Redis store that has never answered since this instance started (a wrong address): {@code
 *       DOWN} with {@code reached_since_start: false}, whatever the fallback (see {@link
 *       StoreReachability});
 *   <li>store unreachable with {@code fallback=jwt-only}: {@code UP}, with {@code available:
 *       false}, because the instance keeps serving valid tokens. A {@code DOWN} here would take
 *       every instance out of its load balancer at once for an outage the service was configured to
 *       ride through; a custom {@code DEGRADED} status would need {@code
 *       management.endpoint.health.status.order} and an HTTP mapping in every application.
 * </ul>
 *
 * <p>Details: {@code store} ({@code redis}, {@code in-memory}, or the class name of another store),
 * {@code available} and {@code fallback} ({@code jwt-only} or {@code deny}). Each check costs one
 * {@code ping}, bounded by the store's command timeout. Thread-safe.
 */
final class SessionKitHealthIndicator implements HealthIndicator {

  private final SessionManager manager;
  private final @Nullable StoreReachability reachability;

  SessionKitHealthIndicator(SessionManager manager, @Nullable StoreReachability reachability) {
    this.manager = manager;
    this.reachability = reachability;
  }

  @Override
  public Health health() {
    SessionStore store = manager.store();
    boolean available = store.ping();
    boolean neverReached = false;
    if (reachability != null) {
      if (available) {
        reachability.answered();
      }
      neverReached = !reachability.reachedSinceStart();
    }
    FallbackMode fallback = manager.fallbackMode();
    Health.Builder health =
        !neverReached && (available || fallback == FallbackMode.JWT_ONLY)
            ? Health.up()
            : Health.down();
    if (neverReached) {
      health.withDetail("reached_since_start", false);
    }
    return health
        .withDetail("store", SessionKitBuilders.storeType(store))
        .withDetail("available", available)
        .withDetail("fallback", fallbackName(fallback))
        .build();
  }

  static String fallbackName(FallbackMode mode) {
    return mode == FallbackMode.JWT_ONLY ? "jwt-only" : "deny";
  }
}
