package io.sessionkit.memory;

import io.sessionkit.NewSession;
import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStore;
import io.sessionkit.internal.RefreshState;
import io.sessionkit.internal.Require;
import io.sessionkit.internal.SessionIds;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStore} in this process's memory: the embedded default for a single node, and for
 * tests. Sessions do not survive a restart and are not shared between instances.
 *
 * <p>It follows the same rules as the Redis store, down to the ceiling of {@value
 * SessionStore#MAX_SESSIONS_PER_USER} sessions per user, the markers that keep ended sessions ended
 * and the order of pages. Thread-safe: every operation runs under one lock, which makes each atomic
 * and keeps the per-user limit and refresh rotation exact under concurrency. Ended and expired
 * sessions are removed when their user's sessions are next written, and by a sweep of the whole
 * store at most once per sweep interval.
 */
public final class InMemorySessionStore implements SessionStore {

  /** Newest first: latest end first, then by id, as the Redis store pages them. */
  private static final Comparator<Entry> NEWEST_FIRST =
      Comparator.comparing(Entry::endsAt).thenComparing(e -> e.session.id()).reversed();

  private static final int MAX_DEVICES_PER_USER = 100;

  private static final class Entry {
    Session session;
    Instant endsAt;
    final RefreshState refresh;

    Entry(Session session, Instant endsAt, RefreshState refresh) {
      this.session = session;
      this.endsAt = endsAt;
      this.refresh = refresh;
    }

    Instant endsAt() {
      return endsAt;
    }
  }

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Duration sweepInterval;
  private final Map<String, Entry> sessions = new HashMap<>();
  private final Map<String, List<Entry>> sessionsByUser = new HashMap<>();
  // ended sessions' ids, until their own end: a late create of one of them is refused
  private final Map<String, Instant> endedMarkers = new HashMap<>();

  // the last revokeAll of each user, until every session created before it would have ended
  private record UserEnd(Instant at, Instant until) {}

  private final Map<String, UserEnd> userEnds = new HashMap<>();
  private final Map<String, Map<String, Instant>> devicesByUser = new HashMap<>();
  private final Map<String, Deque<Session>> evictedByUser = new HashMap<>();
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
  public String newSessionId(String userId) {
    Objects.requireNonNull(userId, "userId");
    synchronized (random) {
      return SessionIds.newSessionId(userId, random);
    }
  }

  @Override
  public synchronized SessionCreation create(NewSession draft, int maxSessionsPerUser) {
    Objects.requireNonNull(draft, "draft");
    Require.atLeast(maxSessionsPerUser, 0, "maxSessionsPerUser");
    Session session = draft.session();
    requireOwnId(session);
    ensureOpen();
    Instant now = clock.instant();
    sweepIfDue(now);
    String id = session.id();
    if (endedMarkers.containsKey(id)) {
      return SessionCreation.ended();
    }
    UserEnd userEnd = userEnds.get(session.userId());
    if (draft.late() && userEnd != null && !session.createdAt().isAfter(userEnd.at())) {
      return SessionCreation.ended();
    }
    // the instance's clock says when the session was last active (at login, or before an outage)
    Instant endsAt = session.endsAt().truncatedTo(ChronoUnit.MILLIS);
    Entry stored = sessions.get(id);
    if (!endsAt.isAfter(now) || (stored != null && !stored.endsAt.isAfter(now))) {
      return SessionCreation.ended();
    }
    if (stored != null) {
      return SessionCreation.alreadyCreated();
    }
    List<Entry> owned = liveOf(session.userId(), now);
    int max =
        maxSessionsPerUser == 0
            ? MAX_SESSIONS_PER_USER
            : Math.min(maxSessionsPerUser, MAX_SESSIONS_PER_USER);
    int evict = Math.min(owned.size() + 1 - max, SessionPage.MAX_PAGE_SIZE);
    for (int i = 0; i < evict; i++) {
      // owned is newest first: the sessions that end first are at its end
      Entry victim = owned.remove(owned.size() - 1);
      end(victim, now);
      evictedByUser.computeIfAbsent(session.userId(), u -> new ArrayDeque<>()).add(victim.session);
    }
    Entry entry =
        new Entry(
            session,
            endsAt,
            new RefreshState(id, draft.tagKey(), draft.refreshGeneration(), draft.refreshHash()));
    sessions.put(id, entry);
    // evictions may have dropped the user's (then empty) list
    sessionsByUser.computeIfAbsent(session.userId(), u -> new ArrayList<>()).add(entry);
    boolean newDevice = seeDevice(session, endsAt, now);
    return SessionCreation.created(newDevice, Math.max(evict, 0));
  }

  @Override
  public synchronized Optional<Session> find(String sessionId) {
    ensureOpen();
    return live(sessionId, clock.instant()).map(e -> e.session);
  }

  @Override
  public synchronized SessionCheck touch(String userId, String sessionId, Duration minInterval) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(minInterval, "minInterval");
    ensureOpen();
    Instant now = clock.instant();
    Optional<Entry> found = live(sessionId, now).filter(e -> e.session.userId().equals(userId));
    if (found.isEmpty()) {
      return SessionCheck.ended();
    }
    Entry entry = found.get();
    if (!entry.session.lastActiveAt().plus(minInterval).isAfter(now)) {
      entry.session = entry.session.withLastActiveAt(now);
      entry.endsAt = endOfIdle(entry.session, now);
    }
    return SessionCheck.live(entry.endsAt);
  }

  @Override
  public synchronized SessionPage list(String userId, Optional<String> after, int limit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(after, "after");
    requirePageSize(limit);
    ensureOpen();
    List<Entry> owned = liveOf(userId, clock.instant());
    int start = 0;
    if (after.isPresent()) {
      Optional<PageCursor> cursor = PageCursor.parse(after.get());
      if (cursor.isEmpty()) {
        return new SessionPage(List.of(), owned.size(), Optional.empty());
      }
      while (start < owned.size() && !cursor.get().isBefore(owned.get(start))) {
        start++;
      }
    }
    List<Session> page = new ArrayList<>();
    for (int i = start; i < owned.size() && page.size() < limit; i++) {
      page.add(owned.get(i).session);
    }
    Optional<String> next =
        start + page.size() < owned.size()
            ? Optional.of(PageCursor.of(owned.get(start + page.size() - 1)))
            : Optional.empty();
    return new SessionPage(page, owned.size(), next);
  }

  @Override
  public synchronized Optional<Session> revoke(String sessionId, Duration markAtLeast) {
    Objects.requireNonNull(markAtLeast, "markAtLeast");
    ensureOpen();
    Instant now = clock.instant();
    Optional<Entry> found = live(sessionId, now);
    found.ifPresent(e -> end(e, now));
    if (found.isEmpty() && !markAtLeast.isNegative() && !markAtLeast.isZero()) {
      endedMarkers.merge(sessionId, now.plus(markAtLeast), (a, b) -> a.isAfter(b) ? a : b);
    }
    return found.map(e -> e.session);
  }

  @Override
  public synchronized int revokeAll(String userId, Instant asOf, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(asOf, "asOf");
    Require.notNegative(sessionLifetime, "sessionLifetime");
    ensureOpen();
    Instant now = clock.instant();
    List<Entry> owned = List.copyOf(liveOf(userId, now));
    for (Entry entry : owned) {
      end(entry, now);
    }
    userEnds.put(userId, new UserEnd(asOf, now.plus(sessionLifetime)));
    return owned.size();
  }

  @Override
  public synchronized RefreshRotation.Outcome rotate(RefreshRotation rotation) {
    Objects.requireNonNull(rotation, "rotation");
    ensureOpen();
    Instant now = clock.instant();
    Optional<Entry> found = live(rotation.sessionId(), now);
    if (found.isEmpty()) {
      return RefreshRotation.Outcome.notFound();
    }
    Entry entry = found.get();
    RefreshState state = entry.refresh;
    return switch (state.rotate(rotation, now)) {
      case ROTATED ->
          RefreshRotation.Outcome.rotated(entry.session, state.generation(), state.tagKey());
      case GRACE_RETRY ->
          RefreshRotation.Outcome.graceRetry(
              entry.session,
              state.generation(),
              state.tagKey(),
              state.sealedNext(now).orElseThrow());
      case ALREADY_APPLIED ->
          RefreshRotation.Outcome.alreadyApplied(entry.session, state.generation(), state.tagKey());
      case REUSE_DETECTED -> {
        end(entry, now);
        yield RefreshRotation.Outcome.reuseDetected(entry.session);
      }
      case INVALID -> RefreshRotation.Outcome.invalid();
      case SESSION_NOT_FOUND -> RefreshRotation.Outcome.notFound();
    };
  }

  @Override
  public synchronized Reclaimed reclaim(String userId) {
    Objects.requireNonNull(userId, "userId");
    ensureOpen();
    Deque<Session> evicted = evictedByUser.get(userId);
    if (evicted == null) {
      return Reclaimed.nothing();
    }
    List<Session> batch = new ArrayList<>();
    while (!evicted.isEmpty() && batch.size() < SessionPage.MAX_PAGE_SIZE) {
      batch.add(evicted.removeFirst());
    }
    if (evicted.isEmpty()) {
      evictedByUser.remove(userId);
    }
    return new Reclaimed(batch, !evicted.isEmpty());
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
    sessionsByUser.clear();
    endedMarkers.clear();
    userEnds.clear();
    devicesByUser.clear();
    evictedByUser.clear();
  }

  // stores keep milliseconds, as the Redis store does; so do page cursors
  private static Instant endOfIdle(Session session, Instant now) {
    Instant expiry = session.expiresAt().truncatedTo(ChronoUnit.MILLIS);
    if (session.idleTimeout().isZero()) {
      return expiry;
    }
    Instant idleEnd = now.plus(session.idleTimeout()).truncatedTo(ChronoUnit.MILLIS);
    return idleEnd.isBefore(expiry) ? idleEnd : expiry;
  }

  private boolean seeDevice(Session session, Instant endsAt, Instant now) {
    Map<String, Instant> devices =
        devicesByUser.computeIfAbsent(session.userId(), u -> new HashMap<>());
    devices.values().removeIf(until -> !until.isAfter(now));
    String device = SessionIds.deviceTag(session.userAgent());
    Instant seenUntil = devices.get(device);
    devices.merge(device, endsAt, (a, b) -> a.isAfter(b) ? a : b);
    if (devices.size() > MAX_DEVICES_PER_USER) {
      devices.entrySet().stream()
          .min(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey)
          .ifPresent(devices::remove);
    }
    return seenUntil == null;
  }

  // Live session by id; forgets it when it has passed its end.
  private Optional<Entry> live(String sessionId, Instant now) {
    Entry entry = sessions.get(sessionId);
    if (entry == null) {
      return Optional.empty();
    }
    if (!entry.endsAt.isAfter(now)) {
      forget(entry);
      return Optional.empty();
    }
    return Optional.of(entry);
  }

  // The user's live sessions, newest first; forgets ended ones on the way.
  private List<Entry> liveOf(String userId, Instant now) {
    List<Entry> owned = sessionsByUser.computeIfAbsent(userId, u -> new ArrayList<>());
    owned.removeIf(
        e -> {
          boolean over = !e.endsAt.isAfter(now);
          if (over) {
            sessions.remove(e.session.id());
          }
          return over;
        });
    owned.sort(NEWEST_FIRST);
    return owned;
  }

  private void end(Entry entry, Instant now) {
    forget(entry);
    if (entry.session.expiresAt().isAfter(now)) {
      endedMarkers.put(entry.session.id(), entry.session.expiresAt());
    }
  }

  private void forget(Entry entry) {
    sessions.remove(entry.session.id());
    List<Entry> owned = sessionsByUser.get(entry.session.userId());
    if (owned != null) {
      owned.remove(entry);
      if (owned.isEmpty()) {
        sessionsByUser.remove(entry.session.userId());
      }
    }
  }

  private void sweepIfDue(Instant now) {
    if (now.isBefore(lastSweep.plus(sweepInterval))) {
      return;
    }
    lastSweep = now;
    for (Entry entry : List.copyOf(sessions.values())) {
      if (!entry.endsAt.isAfter(now)) {
        forget(entry);
      }
    }
    endedMarkers.values().removeIf(until -> !until.isAfter(now));
    userEnds.values().removeIf(end -> !end.until().isAfter(now));
  }

  private static void requireOwnId(Session session) {
    if (!SessionIds.tagOf(session.id()).equals(Optional.of(SessionIds.userTag(session.userId())))) {
      throw new IllegalArgumentException(
          "session id "
              + session.id()
              + " was not made by newSessionId for user "
              + session.userId());
    }
  }

  static void requirePageSize(int limit) {
    if (limit < 1 || limit > SessionPage.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + SessionPage.MAX_PAGE_SIZE + ", but was " + limit);
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

  /** A position in a user's newest-first list: the end and id of the last session shown. */
  private record PageCursor(long endsAtMillis, String sessionId) {

    static String of(Entry last) {
      return last.endsAt.toEpochMilli() + ":" + last.session.id();
    }

    static Optional<PageCursor> parse(String cursor) {
      int colon = cursor.indexOf(':');
      if (colon < 1 || colon > 20) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new PageCursor(
                Long.parseLong(cursor.substring(0, colon)), cursor.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    // whether the entry comes after this cursor in newest-first order
    boolean isBefore(Entry entry) {
      long end = entry.endsAt.toEpochMilli();
      return end < endsAtMillis
          || (end == endsAtMillis && entry.session.id().compareTo(sessionId) < 0);
    }
  }
}
