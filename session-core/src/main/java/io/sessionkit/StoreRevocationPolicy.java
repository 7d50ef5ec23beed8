package io.sessionkit;

import java.time.Duration;
import java.util.Objects;

/** Asks the store; see {@link RevocationPolicy#storeBacked}. */
final class StoreRevocationPolicy implements RevocationPolicy {

  private final SessionStore store;
  private final Duration touchInterval;

  StoreRevocationPolicy(SessionStore store, Duration touchInterval) {
    this.store = Objects.requireNonNull(store, "store");
    this.touchInterval = Objects.requireNonNull(touchInterval, "touchInterval");
    if (touchInterval.isNegative()) {
      throw new IllegalArgumentException("touchInterval must be >= 0, but was " + touchInterval);
    }
  }

  @Override
  public SessionCheck check(TokenClaims claims) {
    // the store also refuses a session id copied into a token of another user
    return store.touch(claims.userId(), claims.sessionId(), touchInterval);
  }
}
