package io.sessionkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to rotate a session's refresh token, as a store sees it: the presented token's
 * generation, the hash of its nonce and its tag, and the hash of the nonce that replaces it. Never
 * a token.
 *
 * <p>The store compares them with the session's state (its current generation, the hash of the
 * current nonce and the session's tag key, see {@code docs/model.md}):
 *
 * <ul>
 *   <li>the current token: the generation goes up by one, {@code nextHash} becomes current, and for
 *       {@code grace} the presented hash is kept with {@code sealedNext}; {@link Status#ROTATED}.
 *   <li>the previous token within {@code grace} of that rotation: nothing changes; the sealed
 *       successor is returned; {@link Status#GRACE_RETRY}.
 *   <li>the very rotation that was applied, sent again (its {@code nextHash} is the current one):
 *       nothing changes; {@link Status#ALREADY_APPLIED}. A retry after a lost answer is never
 *       theft.
 *   <li>a token of an earlier generation whose tag is right (so it was issued for this session):
 *       the session is revoked; {@link Status#REUSE_DETECTED}.
 *   <li>anything else: {@link Status#INVALID}; nothing changes.
 * </ul>
 *
 * @param sessionId the session the presented token names
 * @param presentedGeneration the presented token's generation
 * @param presentedHash hash of the presented token's nonce
 * @param presentedTag the presented token's tag, lower-case hex
 * @param nextHash hash of the nonce of the token that replaces it
 * @param sealedNext the replacing nonce encrypted under a key only the presented token yields
 * @param grace how long after a rotation its previous token may be retried
 */
public record RefreshRotation(
    String sessionId,
    int presentedGeneration,
    String presentedHash,
    String presentedTag,
    String nextHash,
    String sealedNext,
    Duration grace) {

  public RefreshRotation {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(presentedHash, "presentedHash");
    Objects.requireNonNull(presentedTag, "presentedTag");
    Objects.requireNonNull(nextHash, "nextHash");
    Objects.requireNonNull(sealedNext, "sealedNext");
    Objects.requireNonNull(grace, "grace");
    if (presentedGeneration < 0) {
      throw new IllegalArgumentException(
          "presentedGeneration must be >= 0, but was " + presentedGeneration);
    }
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
    /** This very rotation had been applied already; its answer was lost. */
    ALREADY_APPLIED,
    /** The presented token had already been rotated away: the session has been revoked. */
    REUSE_DETECTED,
    /** The token was not issued for this session; nothing changed. */
    INVALID,
    /** No live session has this id (it never existed, or it has ended). */
    SESSION_NOT_FOUND
  }

  /**
   * What the client's next token is made from, after {@link Status#ROTATED}, {@link
   * Status#GRACE_RETRY} and {@link Status#ALREADY_APPLIED}. {@link #toString()} hides the key.
   *
   * @param generation the generation of the session's current token
   * @param tagKey the session's tag key, which the token's tag is made with
   * @param sealedNext for {@link Status#GRACE_RETRY}, the nonce sealed at the last rotation
   */
  public record Successor(int generation, String tagKey, Optional<String> sealedNext) {

    public Successor {
      Objects.requireNonNull(tagKey, "tagKey");
      Objects.requireNonNull(sealedNext, "sealedNext");
    }

    @Override
    public String toString() {
      return "Successor[generation=" + generation + ", tagKey=(hidden)]";
    }
  }

  /**
   * The answer to a rotation.
   *
   * @param status what was found
   * @param session the session (as it was, for {@link Status#REUSE_DETECTED}); empty for {@link
   *     Status#INVALID} and {@link Status#SESSION_NOT_FOUND}
   * @param successor for {@link Status#ROTATED}, {@link Status#GRACE_RETRY} and {@link
   *     Status#ALREADY_APPLIED}
   */
  public record Outcome(Status status, Optional<Session> session, Optional<Successor> successor) {

    public Outcome {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(successor, "successor");
      boolean issues =
          status == Status.ROTATED
              || status == Status.GRACE_RETRY
              || status == Status.ALREADY_APPLIED;
      if (issues != successor.isPresent() || (issues && session.isEmpty())) {
        throw new IllegalArgumentException(
            "a session and a successor come exactly with ROTATED, GRACE_RETRY and ALREADY_APPLIED");
      }
    }

    public static Outcome rotated(Session session, int generation, String tagKey) {
      return new Outcome(
          Status.ROTATED,
          Optional.of(session),
          Optional.of(new Successor(generation, tagKey, Optional.empty())));
    }

    public static Outcome graceRetry(
        Session session, int generation, String tagKey, String sealedNext) {
      return new Outcome(
          Status.GRACE_RETRY,
          Optional.of(session),
          Optional.of(new Successor(generation, tagKey, Optional.of(sealedNext))));
    }

    public static Outcome alreadyApplied(Session session, int generation, String tagKey) {
      return new Outcome(
          Status.ALREADY_APPLIED,
          Optional.of(session),
          Optional.of(new Successor(generation, tagKey, Optional.empty())));
    }

    public static Outcome reuseDetected(Session session) {
      return new Outcome(Status.REUSE_DETECTED, Optional.of(session), Optional.empty());
    }

    public static Outcome invalid() {
      return new Outcome(Status.INVALID, Optional.empty(), Optional.empty());
    }

    public static Outcome notFound() {
      return new Outcome(Status.SESSION_NOT_FOUND, Optional.empty(), Optional.empty());
    }
  }
}
