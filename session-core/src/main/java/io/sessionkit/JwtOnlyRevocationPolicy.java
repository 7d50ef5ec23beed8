package io.sessionkit;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fallback while the store is unreachable: a token whose signature and expiry verified is
 * accepted unless this instance recorded the end of its session (or of all its user's sessions
 * up to some moment) during the outage.
 *
 * <p>Each record is kept only until the last token it covers has expired, so the record is
 * bounded by the logouts of one access-token lifetime, however long the outage.
 */
final class JwtOnlyRevocationPolicy implements RevocationPolicy {

  private record UserCutoff(Instant endedAt, Instant keepUntil) {}

  private final Clock clock;
  private final Map<String, Instant> endedSessions = new ConcurrentHashMap<>();
  private final Map<String, UserCutoff> endedUsers = new ConcurrentHashMap<>();

  JwtOnlyRevocationPolicy(Clock clock) {
    this.clock = clock;
  }

  @Override
  public SessionCheck check(TokenClaims claims) {
    return isEnded(claims) ? SessionCheck.ended() : SessionCheck.liveWithoutStore();
  }

  /** Whether this instance recorded the end of the token's session. */
  boolean isEnded(TokenClaims claims) {
    if (endedSessions.isEmpty() && endedUsers.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Instant sessionKeep = endedSessions.get(claims.sessionId());
    if (sessionKeep != null && now.isBefore(sessionKeep)) {
      return true;
    }
    UserCutoff cutoff = endedUsers.get(claims.userId());
    // iat has whole seconds: a token issued in the same second as the cutoff is refused too
    return cutoff != null
        && now.isBefore(cutoff.keepUntil())
        && !claims.issuedAt().isAfter(cutoff.endedAt());
  }

  /** Records that a session ended; kept until {@code keepUntil}, when its last token expires. */
  void recordSessionEnded(String sessionId, Instant keepUntil) {
    prune();
    endedSessions.merge(sessionId, keepUntil, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Records that every session of the user ended at {@code endedAt}. */
  void recordUserEnded(String userId, Instant endedAt, Instant keepUntil) {
    prune();
    endedUsers.put(userId, new UserCutoff(endedAt, keepUntil));
  }

  private void prune() {
    Instant now = clock.instant();
    endedSessions.values().removeIf(keepUntil -> !now.isBefore(keepUntil));
    endedUsers.values().removeIf(cutoff -> !now.isBefore(cutoff.keepUntil()));
  }
}
