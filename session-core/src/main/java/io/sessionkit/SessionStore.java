package io.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions and their refresh-token state live. Implementations: {@code
 * io.sessionkit.redis.RedisSessionStore} for any number of instances, and {@code
 * io.sessionkit.memory.InMemorySessionStore} for a single node and tests. Every implementation
 * passes the same contract suite.
 *
 * <p>Every implementation is thread-safe, and each method is atomic: concurrent creates respect the
 * per-user limit, and of concurrent rotations with one refresh token exactly one rotates. No method
 * does work that grows with the number of a user's sessions beyond {@link
 * SessionPage#MAX_PAGE_SIZE} (a user has at most {@link #MAX_SESSIONS_PER_USER} live sessions).
 *
 * <p><b>Ended stays ended.</b> A session that was logged out, revoked, evicted, ended by {@link
 * #revokeAll} or revoked for refresh-token reuse is never live again: a later create of the same id
 * (a retry, or a login made during an outage written late) answers {@link
 * SessionCreation.Status#ENDED}, and touches and rotations find nothing.
 *
 * <p>Refresh tokens never reach a store: it keeps the current token's generation and nonce hash,
 * the session's tag key and, for the reuse grace, the sealed successor (see {@link
 * RefreshRotation}).
 *
 * <p>Every method throws {@link SessionStoreUnavailableException} when the backing service cannot
 * be reached or does not answer in time, and nothing else for well-formed input. Ids that no
 * session has (including malformed ones) are simply not found.
 */
public interface SessionStore extends AutoCloseable {

  /** The most live sessions any user can have, whatever limit is configured. */
  int MAX_SESSIONS_PER_USER = 1000;

  /**
   * A new random session id (at least 128 random bits, URL-safe) for a session of this user. A
   * store may embed a tag of the user in it, to keep all of a user's data together.
   */
  String newSessionId(String userId);

  /**
   * Stores a new session with the state of its first refresh token. When the user then has more
   * live sessions than {@code maxSessionsPerUser} (or {@link #MAX_SESSIONS_PER_USER} when that is 0
   * or larger), the ones that would end first are evicted in the same atomic step (at most {@link
   * SessionPage#MAX_PAGE_SIZE} per create) and reported by {@link #reclaim}.
   *
   * @param maxSessionsPerUser the most live sessions the user may have; 0 for the ceiling alone
   * @throws IllegalArgumentException if {@code maxSessionsPerUser} is negative or the id was not
   *     made by {@link #newSessionId} for this session's user
   */
  SessionCreation create(NewSession session, int maxSessionsPerUser);

  /** The live session with this id, if there is one. */
  Optional<Session> find(String sessionId);

  /**
   * Whether the session with this id is live and belongs to this user, recording activity at the
   * store's now when the last record is at least {@code minInterval} old; with an idle timeout,
   * recording activity also extends the session. One round trip to a remote store.
   */
  SessionCheck touch(String userId, String sessionId, Duration minInterval);

  /**
   * A page of the user's live sessions, newest first.
   *
   * @param after the {@link SessionPage#next()} cursor of the previous page; empty for the first
   * @param limit the most sessions to return, 1 to {@link SessionPage#MAX_PAGE_SIZE}
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  SessionPage list(String userId, Optional<String> after, int limit);

  /**
   * Ends one session and removes its refresh state. The same as {@link #revoke(String, Duration)}
   * with no time to mark an id the store does not hold.
   *
   * @return the session as it was, or empty when no live session had this id
   */
  default Optional<Session> revoke(String sessionId) {
    return revoke(sessionId, Duration.ZERO);
  }

  /**
   * Ends one session and removes its refresh state, and leaves the marker that keeps it ended (see
   * above) even when the store does not hold it (yet): for at least {@code markAtLeast}. An
   * instance that created the session during an outage may write it later; the marker makes the
   * store refuse that write. Callers pass the session lifetime only for ids known to be real (the
   * session of a verified token, one this instance recorded), since each such call costs a marker
   * however made-up the id.
   *
   * @param markAtLeast how long to keep the marker of an id the store does not hold; {@link
   *     Duration#ZERO} for none
   * @return the session as it was, or empty when no live session had this id
   */
  Optional<Session> revoke(String sessionId, Duration markAtLeast);

  /**
   * Ends every session of the user in one atomic step whose cost does not depend on how many there
   * are. What is left of them is removed by later {@link #reclaim} calls.
   *
   * @param asOf when the user asked for it, by the asking instance's clock: for {@code
   *     sessionLifetime}, a late create (see {@link NewSession#late()}) of a session created at or
   *     before it is refused
   * @param sessionLifetime the longest a session lives
   * @return how many live sessions were ended
   */
  int revokeAll(String userId, java.time.Instant asOf, Duration sessionLifetime);

  /** Rotates a session's refresh token atomically; see {@link RefreshRotation}. */
  RefreshRotation.Outcome rotate(RefreshRotation rotation);

  /**
   * Removes what is left of the user's sessions ended by evictions and {@link #revokeAll}, at most
   * {@link SessionPage#MAX_PAGE_SIZE} of them per call.
   *
   * @return the evicted sessions among them (for events), and whether more is left
   */
  Reclaimed reclaim(String userId);

  /**
   * What one {@link #reclaim} call removed.
   *
   * @param evicted sessions ended by evictions, as they were
   * @param more whether another call has more to remove
   */
  record Reclaimed(List<Session> evicted, boolean more) {

    private static final Reclaimed NOTHING = new Reclaimed(List.of(), false);

    public Reclaimed {
      evicted = List.copyOf(evicted);
    }

    /** Nothing removed, nothing left. */
    public static Reclaimed nothing() {
      return NOTHING;
    }
  }

  /**
   * Tells {@code listener} of sessions ended by any instance that shares this store, as well as it
   * can: a notice can be lost (while the connection is down, say), so this is for remembering ends
   * in case the store becomes unreachable, never instead of asking it. Called on a thread of the
   * store's. Default: nothing is told, which suits a store that lives in one process.
   *
   * @return closes the subscription
   */
  default AutoCloseable onEnds(java.util.function.Consumer<SessionEnd> listener) {
    return () -> {};
  }

  /**
   * Whether the store answers right now, within its timeout. Never throws; for health checks and
   * probes, not for the request path.
   */
  boolean ping();

  /** Releases connections the store owns. Calls after {@code close()} fail. */
  @Override
  void close();
}
