package io.sessionkit.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sessionkit.AuthenticationListener;
import io.sessionkit.AuthenticationResult;
import io.sessionkit.SessionEvent;
import io.sessionkit.SessionListener;
import io.sessionkit.SessionStore;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Records sessionkit's activity in Micrometer. The auto-configuration registers one as a bean when
 * a {@link MeterRegistry} bean exists, and the auto-configured {@code SessionManager} picks it up
 * as a listener; a {@code SessionManager} of the application's own must add it itself.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code sessionkit.logins}</td><td>counter</td><td></td><td>sessions created</td></tr>
 *   <tr><td>{@code sessionkit.refreshes}</td><td>counter</td><td></td><td>refresh-token
 *       rotations</td></tr>
 *   <tr><td>{@code sessionkit.revocations}</td><td>counter</td><td>{@code reason}: logout,
 *       logout_all, revoked, refresh_reuse</td><td>sessions ended</td></tr>
 *   <tr><td>{@code sessionkit.evictions}</td><td>counter</td><td></td><td>sessions evicted by the
 *       per-user limit</td></tr>
 *   <tr><td>{@code sessionkit.refresh.reuse}</td><td>counter</td><td></td><td>reuses of a rotated
 *       refresh token (theft assumed)</td></tr>
 *   <tr><td>{@code sessionkit.authentications}</td><td>counter</td><td>{@code outcome}:
 *       authenticated, invalid_token, session_ended, store_unavailable</td><td>access-token
 *       checks</td></tr>
 *   <tr><td>{@code sessionkit.authentications.without.store}</td><td>counter</td><td></td><td>the
 *       {@code authenticated} checks that the JWT-only fallback accepted without asking the store
 *       (it was unreachable): requests a revocation on another instance may not have reached
 *       </td></tr>
 *   <tr><td>{@code sessionkit.authentication}</td><td>timer</td><td></td><td>latency of an
 *       access-token check, store round trip included</td></tr>
 *   <tr><td>{@code sessionkit.store.available}</td><td>gauge</td><td>{@code store}</td><td>1 when
 *       the store answers a ping, else 0</td></tr>
 * </table>
 *
 * <p>The gauge pings the store each time it is read (once per scrape), one round trip bounded by
 * the store's command timeout. Counters are registered up front, so they read 0 before the first
 * event. Thread-safe; the listener methods are cheap and never throw.
 */
public final class SessionKitMetrics implements SessionListener, AuthenticationListener {

  private final Counter logins;
  private final Counter refreshes;
  private final Counter evictions;
  private final Counter refreshReuse;
  private final Map<SessionEvent.RevocationReason, Counter> revocations =
      new EnumMap<>(SessionEvent.RevocationReason.class);
  private final Map<AuthenticationResult.Status, Counter> authentications =
      new EnumMap<>(AuthenticationResult.Status.class);
  private final Counter withoutStore;
  private final Timer authentication;

  /**
   * Registers the meters.
   *
   * @param registry where the meters go
   * @param store the store whose availability the gauge reports
   */
  public SessionKitMetrics(MeterRegistry registry, SessionStore store) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(store, "store");
    logins =
        Counter.builder("sessionkit.logins")
            .description("Sessions created by a login")
            .register(registry);
    refreshes =
        Counter.builder("sessionkit.refreshes")
            .description("Refresh-token rotations that issued new tokens")
            .register(registry);
    evictions =
        Counter.builder("sessionkit.evictions")
            .description("Sessions ended to keep a user within the per-user session limit")
            .register(registry);
    refreshReuse =
        Counter.builder("sessionkit.refresh.reuse")
            .description("Reuses of an already-rotated refresh token; the session was revoked")
            .register(registry);
    for (SessionEvent.RevocationReason reason : SessionEvent.RevocationReason.values()) {
      revocations.put(
          reason,
          Counter.builder("sessionkit.revocations")
              .description("Sessions ended by logout, logout-all, revocation or theft detection")
              .tag("reason", tagValue(reason))
              .register(registry));
    }
    for (AuthenticationResult.Status status : AuthenticationResult.Status.values()) {
      authentications.put(
          status,
          Counter.builder("sessionkit.authentications")
              .description("Access-token checks, by outcome")
              .tag("outcome", tagValue(status))
              .register(registry));
    }
    withoutStore =
        Counter.builder("sessionkit.authentications.without.store")
            .description(
                "Access tokens accepted by the JWT-only fallback without asking the unreachable"
                    + " store")
            .register(registry);
    authentication =
        Timer.builder("sessionkit.authentication")
            .description("Time to check an access token and its session")
            .register(registry);
    Gauge.builder("sessionkit.store.available", store, s -> s.ping() ? 1 : 0)
        .description("1 when the session store answers a ping, else 0")
        .tag("store", SessionKitBuilders.storeType(store))
        .strongReference(true)
        .register(registry);
  }

  /**
   * Counts logins, refreshes, revocations (each session a logout everywhere ends), evictions and
   * refresh-token reuse.
   */
  @Override
  public void onEvent(SessionEvent event) {
    Optional<Counter> counter =
        switch (event.type()) {
          case CREATED -> Optional.of(logins);
          case REFRESHED -> Optional.of(refreshes);
          case EVICTED -> Optional.of(evictions);
          case REFRESH_REUSE_DETECTED -> Optional.of(refreshReuse);
          case REVOKED, ALL_REVOKED -> event.reason().map(revocations::get);
          case NEW_DEVICE_LOGIN -> Optional.empty(); // counted as a login already
        };
    double amount = event.type() == SessionEvent.Type.ALL_REVOKED ? event.sessionsEnded() : 1;
    counter.ifPresent(c -> c.increment(amount));
  }

  /**
   * Counts the check by outcome (and apart, when accepted without the store) and records its
   * latency.
   */
  @Override
  public void onAuthentication(AuthenticationResult result, Duration took) {
    authentications.get(result.status()).increment();
    if (result.withoutStore()) {
      withoutStore.increment();
    }
    authentication.record(took);
  }

  @Override
  public String toString() {
    return "SessionKitMetrics";
  }

  static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
