package io.sessionkit.memory;

import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionStore;
import io.sessionkit.internal.RefreshState;
import io.sessionkit.internal.Require;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SessionStore} in this process's memory: the embedded default for a single node, and for
 * tests. Sessions do not survive a restart and are not shared between instances.
 *
 * <p>Thread-safe: every operation runs under one lock, which makes each atomic and keeps the
 * per-user limit and refresh rotation exact under concurrency. Ended sessions are removed at once;
 * expired ones are reclaimed when their user's sessions are next touched, and by a sweep of the
 * whole store at most once per sweep interval.
 */
public final class InMemorySessionStore implements SessionStore {

  private static final Comparator<Session> OLDEST_FIRST =
      Comparator.comparing(Session::createdAt).thenComparing(Session::id);

  private record Entry(Session session, RefreshState refresh) {}

  private final Clock clock;
  private final Duration sweepInterval;
  private final Map<String, Entry> sessions = new HashMap<>();
  private final Map<String, Set<String>> sessionIdsByUser = new HashMap<>();
  private Instant lastSweep;
  private boolean closed;

  private InMemorySessionStore(Clock clock, Duration sweepInterval) {
    this.clock = clock;
    this.sweepInterval = sweepInterval;
    this.lastSweep = clock.instant();
  }

  /** A store on the system clock. */
  public static InMemorySessionStore create() {
    return create(Clock.systemUTC());
  }

  /** A store whose notion of now comes from {@code clock}. */
  public static InMemorySessionStore create(Clock clock) {
    return new InMemorySessionStore(Objects.requireNonNull(clock, "clock"), Duration.ofMinutes(1));
  }

  @Override
  public synchronized SessionCreation create(
      Session session, String refreshTokenHash, int maxSessionsPerUser) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
    Require.atLeast(maxSessionsPerUser, 0, "maxSessionsPerUser");
    ensureOpen();
    Instant now = clock.instant();
    if (!session.isLiveAt(now)) {
      throw new IllegalArgumentException(
          "session " + session.id() + " ends at " + session.endsAt() + ", which is not after now");
    }
    sweepIfDue(now);
    if (live(session.id(), now).isPresent()) {
      throw new IllegalArgumentException("a session with id " + session.id() + " exists");
    }
    sessions.put(session.id(), new Entry(session, new RefreshState(refreshTokenHash)));
    sessionIdsByUser
        .computeIfAbsent(session.userId(), u -> new LinkedHashSet<>())
        .add(session.id());

    List<Session> evicted = new ArrayList<>();
    if (maxSessionsPerUser > 0) {
      // the new session is never its own victim: the oldest others go
      List<Session> others = new ArrayList<>(liveOf(session.userId(), now));
      others.remove(session);
      for (int i = 0; i < others.size() + 1 - maxSessionsPerUser; i++) {
        Session oldest = others.get(i);
        remove(oldest);
        evicted.add(oldest);
      }
    }
    return new SessionCreation(session, evicted);
  }

  @Override
  public synchronized Optional<Session> find(String sessionId) {
    ensureOpen();
    return live(sessionId, clock.instant());
  }

  @Override
  public synchronized Optional<Session> touch(String sessionId, Duration minInterval) {
    ensureOpen();
    Instant now = clock.instant();
    Optional<Session> found = live(sessionId, now);
    if (found.isEmpty()) {
      return found;
    }
    Session session = found.get();
    if (session.lastActiveAt().plus(minInterval).isAfter(now)) {
      return found;
    }
    Session touched = session.withLastActiveAt(now);
    sessions.put(sessionId, new Entry(touched, sessions.get(sessionId).refresh()));
    return Optional.of(touched);
  }

  @Override
  public synchronized List<Session> listByUser(String userId) {
    ensureOpen();
    return liveOf(userId, clock.instant());
  }

  @Override
  public synchronized int countByUser(String userId) {
    ensureOpen();
    return liveOf(userId, clock.instant()).size();
  }

  @Override
  public synchronized Optional<Session> revoke(String sessionId) {
    ensureOpen();
    Optional<Session> found = live(sessionId, clock.instant());
    found.ifPresent(this::remove);
    return found;
  }

  @Override
  public synchronized List<Session> revokeAllOfUser(String userId) {
    ensureOpen();
    List<Session> owned = liveOf(userId, clock.instant());
    owned.forEach(this::remove);
    return owned;
  }

  @Override
  public synchronized RefreshRotation.Outcome rotateRefreshToken(RefreshRotation rotation) {
    ensureOpen();
    Instant now = clock.instant();
    Optional<Session> found = live(rotation.sessionId(), now);
    if (found.isEmpty()) {
      return RefreshRotation.Outcome.notFound();
    }
    Session session = found.get();
    RefreshState state = sessions.get(session.id()).refresh();
    RefreshRotation.Status status = state.rotate(rotation, now);
    switch (status) {
      case ROTATED:
        return RefreshRotation.Outcome.rotated(session);
      case GRACE_RETRY:
        return RefreshRotation.Outcome.graceRetry(session, state.sealedNext().orElseThrow());
      case REUSE_DETECTED:
        remove(session);
        return RefreshRotation.Outcome.reuseDetected(session);
      case INVALID:
        return RefreshRotation.Outcome.invalid(session);
      default:
        throw new IllegalStateException("unexpected rotation status " + status);
    }
  }

  /** True until the store is closed. */
  @Override
  public synchronized boolean ping() {
    return !closed;
  }

  /** Drops every session. Later calls fail. */
  @Override
  public synchronized void close() {
    closed = true;
    sessions.clear();
    sessionIdsByUser.clear();
  }

  // Live session by id; reclaims it when it has expired.
  private Optional<Session> live(String sessionId, Instant now) {
    Entry entry = sessions.get(sessionId);
    if (entry == null) {
      return Optional.empty();
    }
    if (!entry.session().isLiveAt(now)) {
      remove(entry.session());
      return Optional.empty();
    }
    return Optional.of(entry.session());
  }

  // The user's live sessions, oldest first; reclaims expired ones on the way.
  private List<Session> liveOf(String userId, Instant now) {
    Set<String> ids = sessionIdsByUser.get(userId);
    if (ids == null) {
      return List.of();
    }
    List<Session> owned = new ArrayList<>(ids.size());
    for (String id : List.copyOf(ids)) {
      live(id, now).ifPresent(owned::add);
    }
    owned.sort(OLDEST_FIRST);
    return owned;
  }

  private void remove(Session session) {
    sessions.remove(session.id());
    Set<String> ids = sessionIdsByUser.get(session.userId());
    if (ids != null) {
      ids.remove(session.id());
      if (ids.isEmpty()) {
        sessionIdsByUser.remove(session.userId());
      }
    }
  }

  private void sweepIfDue(Instant now) {
    if (now.isBefore(lastSweep.plus(sweepInterval))) {
      return;
    }
    lastSweep = now;
    for (Entry entry : List.copyOf(sessions.values())) {
      if (!entry.session().isLiveAt(now)) {
        remove(entry.session());
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this InMemorySessionStore is closed");
    }
  }

  /** How many sessions are held, expired ones not yet reclaimed included; for tests. */
  synchronized int size() {
    return sessions.size();
  }
}
