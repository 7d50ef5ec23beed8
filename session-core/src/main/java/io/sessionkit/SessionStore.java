package io.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where sessions and their refresh-token state live. Implementations: {@code
 * io.sessionkit.redis.RedisSessionStore} for any number of instances, and {@code
 * io.sessionkit.memory.InMemorySessionStore} for a single node and tests.
 *
 * <p>Every implementation is thread-safe, and each method is atomic: concurrent creates respect the
 * per-user limit, and of concurrent rotations with one refresh token exactly one rotates. Time
 * comes from the clock the store was built with: a session whose {@link Session#endsAt()} has
 * passed is absent from every answer, whether or not its storage has been reclaimed yet.
 *
 * <p>Refresh tokens never reach a store; it keeps only their hashes and the sealed successor that
 * makes a retry within the grace window answerable (see {@link RefreshRotation}).
 *
 * <p>Every method throws {@link SessionStoreUnavailableException} when the backing service cannot
 * be reached or does not answer in time, and nothing else for well-formed input. Ids that no
 * session has (including malformed ones) are simply not found.
 */
public interface SessionStore extends AutoCloseable {

  /**
   * Stores a new session together with the hash of its first refresh token. When {@code
   * maxSessionsPerUser} is positive and the user then has more live sessions than that, the oldest
   * (by {@link Session#createdAt()}) are removed in the same atomic step and returned.
   *
   * @param maxSessionsPerUser the most live sessions the user may have; 0 for no limit
   * @throws IllegalArgumentException if {@code maxSessionsPerUser} is negative or a session with
   *     this id exists
   */
  SessionCreation create(Session session, String refreshTokenHash, int maxSessionsPerUser);

  /** The live session with this id, if there is one. */
  Optional<Session> find(String sessionId);

  /**
   * The live session with this id, recording activity at the store clock's now when the recorded
   * {@link Session#lastActiveAt()} is at least {@code minInterval} old; with an idle timeout,
   * recording activity also extends the session. Costs one round trip to a remote store.
   *
   * @return the session as it is after the touch, or empty when no live session has this id
   */
  Optional<Session> touch(String sessionId, Duration minInterval);

  /** The user's live sessions, oldest first. Costs O(that user's sessions). */
  List<Session> listByUser(String userId);

  /** How many live sessions the user has. Costs O(that user's sessions). */
  int countByUser(String userId);

  /**
   * Ends one session and removes its refresh state.
   *
   * @return the session as it was, or empty when no live session had this id
   */
  Optional<Session> revoke(String sessionId);

  /**
   * Ends every session of the user in one atomic step.
   *
   * @return the sessions that were ended, oldest first
   */
  List<Session> revokeAllOfUser(String userId);

  /** Rotates a session's refresh token atomically; see {@link RefreshRotation}. */
  RefreshRotation.Outcome rotateRefreshToken(RefreshRotation rotation);

  /**
   * Whether the store answers right now, within its timeout. Never throws; for health checks and
   * probes, not for the request path.
   */
  boolean ping();

  /** Releases connections the store owns. Calls after {@code close()} fail. */
  @Override
  void close();
}
