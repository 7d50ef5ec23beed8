package io.sessionkit;

import io.sessionkit.internal.RefreshState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What this instance did while the store was unreachable ({@link FallbackMode#JWT_ONLY}): the
 * revocation policy of the fallback, and what {@link OutageRecordWriter} writes to the store once
 * it answers.
 *
 * <p>It holds sessions created by logins during the outage (with their refresh state), refresh
 * rotations of sessions whose current refresh token this instance had issued, sessions ended and
 * users logged out everywhere. Token checks consult it on every request while it is not empty, also
 * after the store is back and until it has been written, so nothing done during the outage is
 * undone.
 *
 * <p>Bounded: entries that only refuse tokens go when the last token they cover has expired;
 * entries still to be written go when what they cover would have ended anyway; and no more than
 * {@code capacity} logins, rotated sessions and ends are held, beyond which they are refused as if
 * the store were down. Thread-safe; the token check reads without locking.
 */
final class OutageRecord implements RevocationPolicy {

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

  OutageRecord(Clock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  @Override
  public SessionCheck check(TokenClaims claims) {
    return isEnded(claims) ? SessionCheck.ended() : SessionCheck.liveWithoutStore();
  }

  /** Whether a session end recorded here covers this token. Cheap when the record is empty. */
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

  synchronized void recordLogin(Session session, RefreshState refresh) {
    prune();
    requireRoom();
    created.put(session.id(), new LocalSession(session, refresh));
  }

  /**
   * Rotates a refresh token here. Sessions created or rotated here during the outage are checked
   * against their state here; any other session only when this instance issued its current token
   * ({@code issued}), so that the check is as exact as the store's. Anything else cannot be checked
   * without the store.
   *
   * @return the outcome, or empty when this instance cannot check the token
   */
  Optional<RefreshRotation.Outcome> rotateLocally(
      RefreshRotation rotation, Optional<IssuedTokens.Issued> issued) {
    String id = rotation.sessionId();
    // every refresh asks: without a lock when nothing is held for the session
    if (issued.isEmpty() && !created.containsKey(id) && !rotated.containsKey(id)) {
      return Optional.empty();
    }
    synchronized (this) {
      return rotateLocked(rotation, issued);
    }
  }

  private Optional<RefreshRotation.Outcome> rotateLocked(
      RefreshRotation rotation, Optional<IssuedTokens.Issued> issued) {
    Instant now = clock.instant();
    String id = rotation.sessionId();
    LocalSession local = created.get(id);
    if (local != null) {
      return Optional.of(
          apply(local.session(), local.refresh(), rotation, now, () -> created.remove(id)));
    }
    LocalRotations rotations = rotated.get(id);
    if (rotations == null) {
      if (issued.isEmpty() || !issued.get().session().isLiveAt(now)) {
        return Optional.empty();
      }
      requireRoom();
      rotations =
          new LocalRotations(issued.get().session(), issued.get().state(), new ArrayList<>());
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
    return switch (refresh.rotate(rotation, now)) {
      case ROTATED ->
          RefreshRotation.Outcome.rotated(session, refresh.generation(), refresh.tagKey());
      case GRACE_RETRY ->
          RefreshRotation.Outcome.graceRetry(
              session,
              refresh.generation(),
              refresh.tagKey(),
              refresh.sealedNext(now).orElseThrow());
      case ALREADY_APPLIED ->
          RefreshRotation.Outcome.alreadyApplied(session, refresh.generation(), refresh.tagKey());
      case REUSE_DETECTED -> {
        forget.run();
        refuseTokensOfSession.put(session.id(), session.expiresAt());
        endsToWrite.put(session.id(), session.expiresAt());
        yield RefreshRotation.Outcome.reuseDetected(session);
      }
      case INVALID -> RefreshRotation.Outcome.invalid();
      case SESSION_NOT_FOUND -> RefreshRotation.Outcome.notFound();
    };
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
    if (!endsToWrite.containsKey(sessionId) && !created.containsKey(sessionId)) {
      requireRoom();
    }
    refuseTokensOfSession.merge(sessionId, refuseTokensUntil, (a, b) -> a.isAfter(b) ? a : b);
    rotated.remove(sessionId);
    endsToWrite.put(sessionId, writeUntil);
    return Optional.ofNullable(created.remove(sessionId)).map(LocalSession::session);
  }

  /** Refuses the session's tokens until {@code until}: it ended without this instance ending it. */
  void refuseTokens(String sessionId, Instant until) {
    refuseTokensOfSession.merge(sessionId, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * Records that every session of the user that started by now has ended.
   *
   * @return the user's sessions created here during the outage, which that ends
   */
  synchronized List<Session> recordUserEnded(
      String userId, Instant refuseTokensUntil, Instant writeUntil) {
    prune();
    userEnds.put(userId, new UserEnd(clock.instant(), refuseTokensUntil, writeUntil, false));
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

  // --- what OutageRecordWriter writes; called by one thread at a time ---

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
    Map<String, UserEnd> pending = new HashMap<>();
    userEnds.forEach(
        (user, end) -> {
          if (!end.written()) {
            pending.put(user, end);
          }
        });
    return pending;
  }

  /** Runs {@code write} under the record's lock, so no local rotation of the session races it. */
  synchronized <T> T whileLocked(Supplier<T> write) {
    return write.get();
  }

  synchronized void createdWritten(String sessionId) {
    created.remove(sessionId);
  }

  /** The first of the session's rotations has been written (or judged by the store). */
  synchronized void rotationWritten(String sessionId, LocalRotations rotations) {
    if (!rotations.rotations().isEmpty()) {
      rotations.rotations().remove(0);
    }
    if (rotations.rotations().isEmpty()) {
      rotated.remove(sessionId, rotations);
    }
  }

  /** None of the session's rotations needs writing any more. */
  synchronized void rotationsDone(String sessionId, LocalRotations rotations) {
    rotated.remove(sessionId, rotations);
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

  private void requireRoom() {
    if (created.size() + rotated.size() + endsToWrite.size() >= capacity) {
      throw new SessionStoreUnavailableException(
          "the session store is unreachable and "
              + capacity
              + " logins, refreshes and logouts are already held locally");
    }
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
