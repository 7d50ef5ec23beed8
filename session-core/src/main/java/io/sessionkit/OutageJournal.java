package io.sessionkit;

import io.sessionkit.internal.RefreshState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance did while the store was unreachable ({@link FallbackMode#JWT_ONLY}): the
 * JWT-only revocation policy, and the record that is written to the store once it answers.
 *
 * <p>It holds sessions created by logins during the outage (with their local refresh state),
 * refresh rotations of older sessions, sessions ended and users logged out everywhere. Token checks
 * consult it on every request while it is not empty, also after the store is back and until the
 * record has been written, so nothing done during the outage is undone.
 *
 * <p>Bounded: entries that only refuse tokens go when the last token they cover has expired;
 * entries still to be written go when what they cover would have ended anyway (the session's
 * lifetime); and no more than {@code capacity} logins and rotations are held, beyond which logins
 * and refreshes are refused as if the store were down. Thread-safe; the token check reads without
 * locking.
 */
final class OutageJournal implements RevocationPolicy {

  /** A session created during the outage, not yet in the store. */
  record LocalSession(Session session, RefreshState refresh) {}

  /** A session from before the outage whose refresh token was rotated during it. */
  record LocalRotations(Session session, RefreshState refresh, List<RefreshRotation> rotations) {}

  /** Every session of a user that started by {@code endedAt} has ended. */
  record UserEnd(Instant endedAt, Instant refuseTokensUntil, Instant writeUntil, boolean written) {}

  private final Clock clock;
  private final int capacity;
  private final Map<String, LocalSession> created = new ConcurrentHashMap<>();
  private final Map<String, LocalRotations> rotated = new ConcurrentHashMap<>();
  private final Map<String, Instant> refuseTokensOfSession = new ConcurrentHashMap<>();
  private final Map<String, Instant> endsToWrite = new ConcurrentHashMap<>();
  private final Map<String, UserEnd> userEnds = new ConcurrentHashMap<>();

  OutageJournal(Clock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  @Override
  public SessionCheck check(TokenClaims claims) {
    return isEnded(claims) ? SessionCheck.ended() : SessionCheck.liveWithoutStore();
  }

  /** Whether a session end recorded here covers this token. Cheap when the journal is empty. */
  boolean isEnded(TokenClaims claims) {
    if (refuseTokensOfSession.isEmpty() && userEnds.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Instant until = refuseTokensOfSession.get(claims.sessionId());
    if (until != null && now.isBefore(until)) {
      return true;
    }
    UserEnd end = userEnds.get(claims.userId());
    // iat has whole seconds: a token issued in the same second as the end is refused too
    return end != null
        && now.isBefore(end.refuseTokensUntil())
        && !claims.issuedAt().isAfter(end.endedAt());
  }

  /** Whether this instance recorded the end of this session, by id. */
  boolean endedHere(String sessionId) {
    Instant until = refuseTokensOfSession.get(sessionId);
    return endsToWrite.containsKey(sessionId) || (until != null && clock.instant().isBefore(until));
  }

  /**
   * Whether this instance recorded the end of this session, by id or by a logout-all of its user.
   */
  boolean endedHere(Session session) {
    UserEnd end = userEnds.get(session.userId());
    return endedHere(session.id()) || (end != null && !session.createdAt().isAfter(end.endedAt()));
  }

  /** Whether anything still has to be written to the store. */
  boolean hasWritesPending() {
    return !created.isEmpty()
        || !rotated.isEmpty()
        || !endsToWrite.isEmpty()
        || userEnds.values().stream().anyMatch(e -> !e.written());
  }

  /** A session created here during the outage and not yet written to the store. */
  Optional<Session> pendingSession(String sessionId) {
    return Optional.ofNullable(created.get(sessionId)).map(LocalSession::session);
  }

  /** The user's sessions created here during the outage and not yet written to the store. */
  List<Session> pendingSessionsOf(String userId) {
    List<Session> sessions = new ArrayList<>();
    for (LocalSession local : created.values()) {
      if (local.session().userId().equals(userId)) {
        sessions.add(local.session());
      }
    }
    return sessions;
  }

  synchronized void recordLogin(Session session, String refreshHash) {
    prune();
    if (created.size() + rotated.size() >= capacity) {
      throw new SessionStoreUnavailableException(
          "the session store is unreachable and "
              + capacity
              + " logins and refreshes are already held locally");
    }
    created.put(session.id(), new LocalSession(session, new RefreshState(refreshHash)));
  }

  /**
   * Rotates a refresh token locally. Sessions created or rotated here during the outage are checked
   * exactly; for an older session whose stored state is unknown here, the presented token is taken
   * as current, and the store judges it when the rotation is written.
   *
   * @param known the session, when this instance knows it from before the outage
   * @return the outcome, or empty when the session is unknown here
   */
  Optional<RefreshRotation.Outcome> rotateLocally(
      RefreshRotation rotation, Optional<Session> known) {
    String id = rotation.sessionId();
    // every refresh asks: without a lock when nothing is held for the session
    if (known.isEmpty() && !created.containsKey(id) && !rotated.containsKey(id)) {
      return Optional.empty();
    }
    synchronized (this) {
      return rotateLocked(rotation, known);
    }
  }

  private Optional<RefreshRotation.Outcome> rotateLocked(
      RefreshRotation rotation, Optional<Session> known) {
    Instant now = clock.instant();
    String id = rotation.sessionId();
    LocalSession local = created.get(id);
    if (local != null) {
      return Optional.of(
          apply(local.session(), local.refresh(), rotation, now, () -> created.remove(id)));
    }
    LocalRotations rotations = rotated.get(id);
    if (rotations == null) {
      if (known.isEmpty() || !known.get().isLiveAt(now)) {
        return Optional.empty();
      }
      if (created.size() + rotated.size() >= capacity) {
        throw new SessionStoreUnavailableException(
            "the session store is unreachable and "
                + capacity
                + " logins and refreshes are already held locally");
      }
      rotations =
          new LocalRotations(
              known.get(), new RefreshState(rotation.presentedHash()), new ArrayList<>());
      rotated.put(id, rotations);
    }
    LocalRotations record = rotations;
    RefreshRotation.Outcome outcome =
        apply(record.session(), record.refresh(), rotation, now, () -> rotated.remove(id));
    if (outcome.status() == RefreshRotation.Status.ROTATED) {
      record.rotations().add(rotation);
    }
    return Optional.of(outcome);
  }

  private RefreshRotation.Outcome apply(
      Session session,
      RefreshState refresh,
      RefreshRotation rotation,
      Instant now,
      Runnable forget) {
    switch (refresh.rotate(rotation, now)) {
      case ROTATED:
        return RefreshRotation.Outcome.rotated(session);
      case GRACE_RETRY:
        return RefreshRotation.Outcome.graceRetry(session, refresh.sealedNext().orElseThrow());
      case REUSE_DETECTED:
        forget.run();
        refuseTokensOfSession.put(session.id(), session.expiresAt());
        endsToWrite.put(session.id(), session.expiresAt());
        return RefreshRotation.Outcome.reuseDetected(session);
      default:
        return RefreshRotation.Outcome.invalid(session);
    }
  }

  /**
   * Records that a session ended: its tokens are refused until {@code refuseTokensUntil}, and the
   * end is written to the store until {@code writeUntil}.
   *
   * @return the session, when it was created here and not yet written (its end is written all the
   *     same: the write may have reached the store with its answer lost)
   */
  synchronized Optional<Session> recordSessionEnded(
      String sessionId, Instant refuseTokensUntil, Instant writeUntil) {
    prune();
    refuseTokensOfSession.merge(sessionId, refuseTokensUntil, (a, b) -> a.isAfter(b) ? a : b);
    rotated.remove(sessionId);
    // written even for a session created here: its write may have reached the store unanswered
    endsToWrite.put(sessionId, writeUntil);
    return Optional.ofNullable(created.remove(sessionId)).map(LocalSession::session);
  }

  /** Records that every session of the user that started by now has ended. */
  synchronized List<Session> recordUserEnded(
      String userId, Instant refuseTokensUntil, Instant writeUntil) {
    prune();
    Instant now = clock.instant();
    userEnds.put(userId, new UserEnd(now, refuseTokensUntil, writeUntil, false));
    List<Session> forgotten = pendingSessionsOf(userId);
    for (Session session : forgotten) {
      created.remove(session.id());
    }
    rotated.values().removeIf(r -> r.session().userId().equals(userId));
    return forgotten;
  }

  /** Drops whatever is held for a session that the store has just ended. */
  synchronized void forget(String sessionId) {
    created.remove(sessionId);
    rotated.remove(sessionId);
  }

  // --- writing to the store; called by one thread at a time ---

  List<LocalSession> createdToWrite() {
    return List.copyOf(created.values());
  }

  List<Map.Entry<String, LocalRotations>> rotationsToWrite() {
    return List.copyOf(rotated.entrySet());
  }

  List<String> endsToWrite() {
    return List.copyOf(endsToWrite.keySet());
  }

  Map<String, UserEnd> userEndsToWrite() {
    Map<String, UserEnd> pending = new java.util.HashMap<>();
    userEnds.forEach(
        (user, end) -> {
          if (!end.written()) {
            pending.put(user, end);
          }
        });
    return pending;
  }

  /** Runs {@code write} under the journal's lock, so no local rotation of the session races it. */
  synchronized <T> T whileLocked(java.util.function.Supplier<T> write) {
    return write.get();
  }

  synchronized void createdWritten(String sessionId) {
    created.remove(sessionId);
  }

  synchronized void rotationsWritten(String sessionId, LocalRotations written) {
    rotated.remove(sessionId, written);
  }

  void endWritten(String sessionId) {
    endsToWrite.remove(sessionId);
  }

  synchronized void userEndWritten(String userId, UserEnd written) {
    userEnds.computeIfPresent(
        userId,
        (u, end) ->
            end.equals(written)
                ? new UserEnd(end.endedAt(), end.refuseTokensUntil(), end.writeUntil(), true)
                : end);
    prune();
  }

  private void prune() {
    Instant now = clock.instant();
    refuseTokensOfSession.values().removeIf(until -> !now.isBefore(until));
    endsToWrite.values().removeIf(until -> !now.isBefore(until));
    userEnds
        .values()
        .removeIf(
            end ->
                !now.isBefore(end.refuseTokensUntil())
                    && (end.written() || !now.isBefore(end.writeUntil())));
    created.values().removeIf(local -> !local.session().isLiveAt(now));
    rotated.values().removeIf(r -> !r.session().isLiveAt(now));
  }
}
