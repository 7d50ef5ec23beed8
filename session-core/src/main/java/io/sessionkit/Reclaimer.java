package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, off the request path, what is left of sessions ended in bulk (evictions at the limit and
 * revoke-all), one bounded batch per {@link SessionStore#reclaim} call, and tells listeners of each
 * evicted session. Those sessions are refused from the moment they ended; reclaiming only frees
 * their keys. While the store is unreachable it tries again later, a bounded number of times (the
 * keys expire on their own in the end). Thread-safe.
 */
final class Reclaimer {

  private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);
  private static final int ATTEMPTS = 20;
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private final SessionStore store;
  private final SessionEvents events;
  private final Clock clock;
  private final Background background;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();

  Reclaimer(SessionStore store, SessionEvents events, Clock clock, Background background) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.background = background;
  }

  /** Reclaims the user's ended sessions soon; a user already waiting is not queued twice. */
  void reclaimLater(String userId) {
    if (pending.add(userId)) {
      background.execute(() -> reclaim(userId, ATTEMPTS));
    }
  }

  private void reclaim(String userId, int attemptsLeft) {
    pending.remove(userId);
    try {
      SessionStore.Reclaimed batch;
      do {
        batch = store.reclaim(userId);
        for (Session evicted : batch.evicted()) {
          events.emit(
              SessionEvent.of(
                  SessionEvent.Type.EVICTED,
                  clock.instant(),
                  evicted,
                  ClientInfo.unknown(),
                  Optional.empty()));
        }
      } while (batch.more());
    } catch (SessionStoreUnavailableException e) {
      if (attemptsLeft > 1 && pending.add(userId)) {
        background.schedule(() -> reclaim(userId, attemptsLeft - 1), RETRY_DELAY);
      } else if (attemptsLeft <= 1) {
        log.warn(
            "Could not reclaim the ended sessions of user {}: their keys expire on their own",
            userId);
      }
    } catch (RuntimeException e) {
      log.warn("Reclaiming the ended sessions of user {} failed", userId, e);
    }
  }
}
