package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A notice that sessions ended on some instance, as a store tells it to every instance that shares
 * it (see {@link SessionStore#onEnds}).
 *
 * @param sessionId the session that ended; empty when all of a user's sessions did
 * @param userId for the end of all of a user's sessions, whose; empty otherwise
 * @param asOf for the end of all of a user's sessions, that every session created at or before it
 *     ended; empty otherwise
 */
public record SessionEnd(
    Optional<String> sessionId, Optional<String> userId, Optional<Instant> asOf) {

  public SessionEnd {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(asOf, "asOf");
    if (sessionId.isPresent() == userId.isPresent() || userId.isPresent() != asOf.isPresent()) {
      throw new IllegalArgumentException("either a session id, or a user id with asOf");
    }
  }

  /** One session ended. */
  public static SessionEnd ofSession(String sessionId) {
    return new SessionEnd(Optional.of(sessionId), Optional.empty(), Optional.empty());
  }

  /** Every session of the user created at or before {@code asOf} ended. */
  public static SessionEnd ofUser(String userId, Instant asOf) {
    return new SessionEnd(Optional.empty(), Optional.of(userId), Optional.of(asOf));
  }
}
