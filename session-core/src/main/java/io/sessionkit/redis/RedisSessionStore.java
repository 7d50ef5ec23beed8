package io.sessionkit.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionKitException;
import io.sessionkit.SessionStore;
import io.sessionkit.internal.RefreshState;
import io.sessionkit.internal.Require;
import io.sessionkit.internal.SessionIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStore} on Redis, shared by every instance of a service.
 *
 * <p>Layout (see {@code docs/redis-layout.md}): one string key {@code session:{tag}:<id>} per
 * session holding its JSON, a hash {@code refresh:{tag}:<id>} with its refresh-token state, and a
 * sorted set {@code user-sessions:{tag}:<user id>} indexing a user's sessions by creation time.
 * {@code tag} is derived from the user id, so all keys of one user share a Redis Cluster hash slot.
 * Every key has a TTL; nothing outlives the sessions it belongs to.
 *
 * <p>Every write that touches more than one key is one Lua script, so it is atomic. {@link #touch}
 * (the per-request check) is one round trip and writes at most once per touch interval. No
 * operation uses {@code KEYS} or {@code SCAN}.
 *
 * <p>Thread-safe; one multiplexed connection serves all threads. Each command waits at most the
 * command timeout; an unreachable or slow Redis surfaces as {@link
 * io.sessionkit.SessionStoreUnavailableException}, and while the connection is down commands fail
 * at once instead of queueing. After a few failures in a row a circuit breaker makes every call
 * fail at once, drops the connection (it may be half-open) and probes Redis in the background until
 * it answers, so an outage never makes each request wait for a timeout.
 *
 * <p>Session ids must be ones {@link io.sessionkit.SessionManager} makes: they carry the user's
 * hash tag.
 */
public final class RedisSessionStore implements SessionStore {

  private static final RedisScript CREATE = RedisScript.load("create");
  private static final RedisScript TOUCH = RedisScript.load("touch");
  private static final RedisScript REVOKE = RedisScript.load("revoke");
  private static final RedisScript REVOKE_ALL = RedisScript.load("revoke_all");
  private static final RedisScript LIST = RedisScript.load("list");
  private static final RedisScript ROTATE = RedisScript.load("rotate");

  private final RedisBackend redis;
  private final Clock clock;

  private RedisSessionStore(Builder b) {
    this.redis =
        new RedisBackend(
            b.uri, b.commandTimeout, b.connectTimeout, b.failureThreshold, b.probeInterval);
    this.clock = b.clock;
  }

  /** A builder; {@link Builder#uri(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SessionCreation create(Session session, String refreshTokenHash, int maxSessionsPerUser) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(refreshTokenHash, "refreshTokenHash");
    Require.atLeast(maxSessionsPerUser, 0, "maxSessionsPerUser");
    String tag = SessionIds.userTag(session.userId());
    if (!SessionIds.tagOf(session.id()).equals(Optional.of(tag))) {
      throw new IllegalArgumentException(
          "session id "
              + session.id()
              + " was not made by SessionIds for user "
              + session.userId());
    }
    long now = nowMillis();
    long ends = session.endsAt().toEpochMilli();
    if (ends <= now) {
      throw new IllegalArgumentException(
          "session " + session.id() + " ends at " + session.endsAt() + ", which is not after now");
    }
    List<Object> result =
        redis.run(
            CREATE,
            ScriptOutputType.MULTI,
            new String[] {
              sessionKey(tag, session.id()),
              refreshKey(tag, session.id()),
              indexKey(tag, session.userId())
            },
            SessionJson.write(session),
            session.id(),
            Long.toString(session.createdAt().toEpochMilli()),
            Long.toString(session.expiresAt().toEpochMilli()),
            Long.toString(ends),
            Long.toString(session.idleTimeout().toMillis()),
            refreshTokenHash,
            session.userId(),
            Long.toString(now),
            Integer.toString(maxSessionsPerUser),
            tag);
    if ("exists".equals(result.get(0))) {
      throw new IllegalArgumentException("a session with id " + session.id() + " exists");
    }
    List<Session> evicted = new ArrayList<>();
    for (Object json : result.subList(1, result.size())) {
      evicted.add(SessionJson.read((String) json));
    }
    return new SessionCreation(session, evicted);
  }

  @Override
  public Optional<Session> find(String sessionId) {
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    String json = redis.call(commands -> commands.get(sessionKey(tag.get(), sessionId)));
    Instant now = now();
    return Optional.ofNullable(json).map(SessionJson::read).filter(s -> s.isLiveAt(now));
  }

  @Override
  public Optional<Session> touch(String sessionId, Duration minInterval) {
    Objects.requireNonNull(minInterval, "minInterval");
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    Instant now = now();
    String json =
        redis.run(
            TOUCH,
            ScriptOutputType.VALUE,
            new String[] {sessionKey(tag.get(), sessionId), refreshKey(tag.get(), sessionId)},
            Long.toString(now.toEpochMilli()),
            SessionJson.time(now),
            Long.toString(minInterval.toMillis()));
    return Optional.ofNullable(json).map(SessionJson::read);
  }

  @Override
  public List<Session> listByUser(String userId) {
    String tag = SessionIds.userTag(userId);
    List<Object> jsons =
        redis.run(
            LIST,
            ScriptOutputType.MULTI,
            new String[] {indexKey(tag, userId)},
            Long.toString(nowMillis()),
            tag,
            "list");
    List<Session> sessions = new ArrayList<>(jsons.size());
    for (Object json : jsons) {
      sessions.add(SessionJson.read((String) json));
    }
    return sessions;
  }

  @Override
  public int countByUser(String userId) {
    String tag = SessionIds.userTag(userId);
    Long count =
        redis.run(
            LIST,
            ScriptOutputType.INTEGER,
            new String[] {indexKey(tag, userId)},
            Long.toString(nowMillis()),
            tag,
            "count");
    return Math.toIntExact(count);
  }

  @Override
  public Optional<Session> revoke(String sessionId) {
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    String json =
        redis.run(
            REVOKE,
            ScriptOutputType.VALUE,
            new String[] {sessionKey(tag.get(), sessionId), refreshKey(tag.get(), sessionId)},
            sessionId,
            Long.toString(nowMillis()),
            tag.get());
    return Optional.ofNullable(json).map(SessionJson::read);
  }

  @Override
  public List<Session> revokeAllOfUser(String userId) {
    String tag = SessionIds.userTag(userId);
    List<Object> jsons =
        redis.run(
            REVOKE_ALL,
            ScriptOutputType.MULTI,
            new String[] {indexKey(tag, userId)},
            Long.toString(nowMillis()),
            tag);
    List<Session> ended = new ArrayList<>(jsons.size());
    for (Object json : jsons) {
      ended.add(SessionJson.read((String) json));
    }
    return ended;
  }

  @Override
  public RefreshRotation.Outcome rotateRefreshToken(RefreshRotation rotation) {
    Objects.requireNonNull(rotation, "rotation");
    String sessionId = rotation.sessionId();
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return RefreshRotation.Outcome.notFound();
    }
    List<Object> result =
        redis.run(
            ROTATE,
            ScriptOutputType.MULTI,
            new String[] {sessionKey(tag.get(), sessionId), refreshKey(tag.get(), sessionId)},
            sessionId,
            rotation.presentedHash(),
            rotation.nextHash(),
            rotation.sealedNext(),
            Long.toString(nowMillis()),
            Long.toString(rotation.grace().toMillis()),
            Integer.toString(RefreshState.MAX_RETIRED),
            tag.get());
    String status = (String) result.get(0);
    if ("missing".equals(status)) {
      return RefreshRotation.Outcome.notFound();
    }
    Session session = SessionJson.read((String) result.get(1));
    switch (status) {
      case "rotated":
        return RefreshRotation.Outcome.rotated(session);
      case "grace":
        return RefreshRotation.Outcome.graceRetry(session, (String) result.get(2));
      case "reuse":
        return RefreshRotation.Outcome.reuseDetected(session);
      case "invalid":
        return RefreshRotation.Outcome.invalid(session);
      default:
        throw new SessionKitException("rotate script answered " + status);
    }
  }

  /** Sends {@code PING}; false when Redis does not answer within the command timeout. */
  @Override
  public boolean ping() {
    return redis.ping();
  }

  /** Closes the connection and the client. Later calls fail. */
  @Override
  public void close() {
    redis.close();
  }

  /** The connection, for other sessionkit parts that keep data in the same Redis. */
  RedisBackend backend() {
    return redis;
  }

  static String sessionKey(String tag, String sessionId) {
    return "session:{" + tag + "}:" + sessionId;
  }

  static String refreshKey(String tag, String sessionId) {
    return "refresh:{" + tag + "}:" + sessionId;
  }

  static String indexKey(String tag, String userId) {
    return "user-sessions:{" + tag + "}:" + userId;
  }

  // Stores keep milliseconds: that is what the JSON and the scripts hold.
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private long nowMillis() {
    return now().toEpochMilli();
  }

  /**
   * Builds a {@link RedisSessionStore}. Every setter validates its argument at once. Not
   * thread-safe.
   */
  public static final class Builder {

    private RedisURI uri;
    private Clock clock = Clock.systemUTC();
    private Duration commandTimeout = Duration.ofMillis(500);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private int failureThreshold = 2;
    private Duration probeInterval = Duration.ofMillis(500);

    private Builder() {}

    /**
     * The Redis to use: {@code redis://[user:password@]host:port/db}, {@code rediss://…} for TLS,
     * or {@code redis-sentinel://…#master}. Required. The password never appears in messages.
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        this.uri = RedisURI.create(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "uri must be redis://host:port, rediss://host:port or redis-sentinel://host:port#master, but could not be parsed",
            e);
      }
      return this;
    }

    /** The clock that decides expiry. Default: {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The most time one command may take before the store counts as unavailable. Default: 500 ms.
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Require.positive(timeout, "commandTimeout");
      return this;
    }

    /** The most time opening a connection may take. Default: 1 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Require.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How many failures in a row open the circuit breaker, after which calls fail at once until a
     * background probe gets an answer. Default: 2.
     */
    public Builder failureThreshold(int failures) {
      this.failureThreshold = Require.atLeast(failures, 1, "failureThreshold");
      return this;
    }

    /** How often the open circuit breaker asks Redis whether it is back. Default: 500 ms. */
    public Builder probeInterval(Duration interval) {
      this.probeInterval = Require.positive(interval, "probeInterval");
      return this;
    }

    /**
     * The store. It connects on first use, so it can be built while Redis is down.
     *
     * @throws IllegalStateException when no uri was given
     */
    public RedisSessionStore build() {
      if (uri == null) {
        throw new IllegalStateException(
            "uri is required: call uri(\"redis://host:port\") before build()");
      }
      return new RedisSessionStore(this);
    }
  }
}
