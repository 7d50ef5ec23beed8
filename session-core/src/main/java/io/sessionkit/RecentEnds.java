package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions this instance knows to have ended lately: ended here, found ended by the store (a touch
 * or a refresh that found nothing, an eviction), or told by another instance through the store's
 * notices. While the store is unreachable, the fallback refuses their tokens. An entry is kept for
 * one access-token lifetime after the end: by then every token issued before it has expired.
 *
 * <p>Bounded: beyond {@code capacity} sessions (or users), the entries that expire soonest go
 * first. Thread-safe; the check reads without locking.
 */
final class RecentEnds {

  private record UserEnd(Instant asOf, Instant until) {}

  private final Clock clock;
  private final Duration keep;
  private final int capacity;
  private final Map<String, Instant> sessions = new ConcurrentHashMap<>();
  private final Map<String, UserEnd> users = new ConcurrentHashMap<>();

  RecentEnds(Clock clock, Duration accessTokenLifetime, int capacity) {
    this.clock = clock;
    this.keep = accessTokenLifetime;
    this.capacity = capacity;
  }

  void sessionEnded(String sessionId) {
    Instant until = clock.instant().plus(keep);
    sessions.merge(sessionId, until, (a, b) -> a.isAfter(b) ? a : b);
    if (sessions.size() > capacity) {
      trim(sessions);
    }
  }

  void userEnded(String userId, Instant asOf) {
    users.merge(
        userId,
        new UserEnd(asOf, clock.instant().plus(keep)),
        (a, b) -> a.asOf().isAfter(b.asOf()) ? a : b);
    if (users.size() > capacity) {
      trim(users);
    }
  }

  void heard(SessionEnd end) {
    end.sessionId().ifPresent(this::sessionEnded);
    end.userId().ifPresent(user -> userEnded(user, end.asOf().orElseThrow()));
  }

  /** Whether the token's session is known to have ended. */
  boolean covers(TokenClaims claims) {
    if (sessions.isEmpty() && users.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Instant until = sessions.get(claims.sessionId());
    if (until != null && now.isBefore(until)) {
      return true;
    }
    UserEnd end = users.get(claims.userId());
    // iat has whole seconds: a token issued in the same second as the end is refused too
    return end != null && now.isBefore(end.until()) && !claims.issuedAt().isAfter(end.asOf());
  }

  /** Whether the session with this id is known to have ended, by id alone. */
  boolean covers(String sessionId) {
    Instant until = sessions.get(sessionId);
    return until != null && clock.instant().isBefore(until);
  }

  /** Whether the session is known to have ended. */
  boolean covers(Session session) {
    Instant now = clock.instant();
    Instant until = sessions.get(session.id());
    UserEnd end = users.get(session.userId());
    return (until != null && now.isBefore(until))
        || (end != null && now.isBefore(end.until()) && !session.createdAt().isAfter(end.asOf()));
  }

  // drops what has expired, then, while still above the capacity, what expires soonest
  private <V> void trim(Map<String, V> map) {
    Instant now = clock.instant();
    map.values().removeIf(v -> !now.isBefore(until(v)));
    while (map.size() > capacity) {
      Iterator<Map.Entry<String, V>> entries = map.entrySet().iterator();
      Map.Entry<String, V> soonest = null;
      // a sample is enough to free room; a full sort would cost more than it saves
      for (int i = 0; i < 64 && entries.hasNext(); i++) {
        Map.Entry<String, V> entry = entries.next();
        if (soonest == null || until(entry.getValue()).isBefore(until(soonest.getValue()))) {
          soonest = entry;
        }
      }
      if (soonest == null) {
        return;
      }
      map.remove(soonest.getKey(), soonest.getValue());
    }
  }

  private static Instant until(Object value) {
    return value instanceof UserEnd end ? end.until() : (Instant) value;
  }
}
