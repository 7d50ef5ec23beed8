package io.sessionkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to rotate a session's refresh token, as a store sees it: hashes and a sealed value,
 * never a token.
 *
 * <p>The store compares {@code presentedHash} with the session's state:
 *
 * <ul>
 *   <li>the current token: {@code nextHash} becomes current, the presented one becomes the previous
 *       one, and {@code sealedNext} is kept with it; {@link Status#ROTATED}.
 *   <li>the previous token, within {@code grace} of the last rotation, or with the {@code nextHash}
 *       that rotation stored (the same rotation sent again): nothing changes; the sealed successor
 *       stored at that rotation is returned; {@link Status#GRACE_RETRY}.
 *   <li>the previous token after the grace, or any older token of the session: the session is
 *       revoked; {@link Status#REUSE_DETECTED}.
 *   <li>anything else: {@link Status#INVALID}; nothing changes.
 * </ul>
 *
 * @param sessionId the session the presented token names
 * @param presentedHash hash of the presented token
 * @param nextHash hash of the token that replaces it
 * @param sealedNext the replacement token encrypted under a key only the presented token yields
 * @param grace how long after a rotation its previous token may be retried
 */
public record RefreshRotation(
    String sessionId, String presentedHash, String nextHash, String sealedNext, Duration grace) {

  public RefreshRotation {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(presentedHash, "presentedHash");
    Objects.requireNonNull(nextHash, "nextHash");
    Objects.requireNonNull(sealedNext, "sealedNext");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, but was " + grace);
    }
  }

  /** What a rotation attempt found. */
  public enum Status {
    /** The presented token was current and has been replaced. */
    ROTATED,
    /** The presented token was the previous one, retried within the grace window. */
    GRACE_RETRY,
    /** The presented token had already been rotated away: the session has been revoked. */
    REUSE_DETECTED,
    /** The token does not belong to the session; nothing changed. */
    INVALID,
    /** No live session has this id. */
    SESSION_NOT_FOUND
  }

  /**
   * The answer to a rotation.
   *
   * @param status what was found
   * @param session the session (as it was, for {@link Status#REUSE_DETECTED}); empty for {@link
   *     Status#SESSION_NOT_FOUND}
   * @param sealedNext for {@link Status#GRACE_RETRY}, the successor sealed at the last rotation
   */
  public record Outcome(Status status, Optional<Session> session, Optional<String> sealedNext) {

    public Outcome {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(sealedNext, "sealedNext");
    }

    public static Outcome rotated(Session session) {
      return new Outcome(Status.ROTATED, Optional.of(session), Optional.empty());
    }

    public static Outcome graceRetry(Session session, String sealedNext) {
      return new Outcome(Status.GRACE_RETRY, Optional.of(session), Optional.of(sealedNext));
    }

    public static Outcome reuseDetected(Session session) {
      return new Outcome(Status.REUSE_DETECTED, Optional.of(session), Optional.empty());
    }

    public static Outcome invalid(Session session) {
      return new Outcome(Status.INVALID, Optional.of(session), Optional.empty());
    }

    public static Outcome notFound() {
      return new Outcome(Status.SESSION_NOT_FOUND, Optional.empty(), Optional.empty());
    }
  }
}
