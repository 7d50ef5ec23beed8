package io.sessionkit.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.sessionkit.NewSession;
import io.sessionkit.RefreshRotation;
import io.sessionkit.Session;
import io.sessionkit.SessionCheck;
import io.sessionkit.SessionCreation;
import io.sessionkit.SessionEnd;
import io.sessionkit.SessionKitException;
import io.sessionkit.SessionPage;
import io.sessionkit.SessionStore;
import io.sessionkit.internal.Require;
import io.sessionkit.internal.SessionIds;
import io.sessionkit.internal.UserTags;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} on Redis, shared by every instance of a service.
 *
 * <p>Layout (see {@code docs/redis-layout.md}): per session, an immutable JSON record {@code
 * session:{tag}:<id>}; per user, a sorted set of the live sessions by end time and a hash of their
 * activity and refresh-token state, both constant-size per session. {@code tag} is derived from the
 * user id and starts every session id, so all keys of one user share a Redis Cluster hash slot.
 * Every key has a TTL; every key a script touches is passed to it; no operation uses {@code KEYS}
 * or {@code SCAN}, and none does work that grows with a user's number of sessions beyond one page.
 *
 * <p>Time is Redis's own clock ({@code TIME} inside the scripts), so instances whose clocks
 * disagree still agree on which sessions have ended.
 *
 * <p>Every write that touches more than one key is one Lua script, so it is atomic. {@link #touch}
 * (the per-request check) is one round trip and writes at most once per touch interval.
 *
 * <p>One Redis server (directly or through Sentinel) or a Redis Cluster ({@link
 * Builder#clusterNodes}): every command's keys are in one slot, so both run the same scripts.
 * Revocations are acknowledged once a replica has them too, when the master has one ({@link
 * Builder#replicaWait}), so that a failover does not undo them.
 *
 * <p>Thread-safe; one multiplexed connection serves all threads. Logins, refreshes and revocations
 * that wait for a replica each have a connection of their own while they do (at most 8), so that no
 * {@code WAIT} holds up another command. Each command waits at most the command timeout; an
 * unreachable or slow Redis surfaces as {@link io.sessionkit.SessionStoreUnavailableException}, and
 * while the connection is down commands fail at once instead of queueing. After a few failures in a
 * row a circuit breaker makes every call fail at once, drops the connection (it may be half-open)
 * and probes Redis in the background until it answers, so an outage never makes each request wait
 * for a timeout.
 */
public final class RedisSessionStore implements SessionStore {

  private static final RedisScript CREATE = RedisScript.load("create");
  private static final RedisScript FIND = RedisScript.load("find");
  private static final RedisScript TOUCH = RedisScript.load("touch");
  private static final RedisScript LIST = RedisScript.load("list");
  private static final RedisScript REVOKE = RedisScript.load("revoke");
  private static final RedisScript REVOKE_ALL = RedisScript.load("revoke_all");
  private static final RedisScript ROTATE = RedisScript.load("rotate");
  private static final RedisScript RECLAIM_PENDING = RedisScript.load("reclaim_pending");
  private static final RedisScript RECLAIM = RedisScript.load("reclaim");

  /** User agents remembered per user for new-device detection. */
  static final int MAX_DEVICES_PER_USER = 100;

  private final RedisBackend redis;
  private final RedisKeys keys;
  private final UserTags tags;
  private final Optional<Clock> clock;
  private final @Nullable NearCache nearCache;
  private final SecureRandom random = new SecureRandom();

  private RedisSessionStore(Builder b) {
    RedisConnector connector =
        b.clusterNodes.isEmpty()
            ? RedisConnector.single(b.uri, b.commandTimeout, b.connectTimeout)
            : RedisConnector.cluster(b.clusterNodes, b.commandTimeout, b.connectTimeout);
    this.redis =
        new RedisBackend(
            connector, b.commandTimeout, b.replicaWait, b.failureThreshold, b.probeInterval);
    this.tags = b.tags;
    this.keys = RedisKeys.of(b.namespace, b.tags);
    this.clock = Optional.ofNullable(b.clock);
    this.nearCache =
        b.nearCacheMaxAge.isZero()
            ? null
            : new NearCache(
                redis, TOUCH, b.nearCacheMaxAge, b.nearCacheMaxEntries, keys.indexPrefix());
  }

  /** A builder; {@link Builder#uri(String)} or {@link Builder#clusterNodes(List)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String newSessionId(String userId) {
    Objects.requireNonNull(userId, "userId");
    synchronized (random) {
      return SessionIds.newSessionId(userId, tags, random);
    }
  }

  @Override
  public SessionCreation create(NewSession draft, int maxSessionsPerUser) {
    Objects.requireNonNull(draft, "draft");
    Require.atLeast(maxSessionsPerUser, 0, "maxSessionsPerUser");
    Session session = draft.session();
    String tag = tags.of(session.userId());
    if (!SessionIds.tagOf(session.id()).equals(Optional.of(tag))) {
      throw new IllegalArgumentException(
          "session id "
              + session.id()
              + " was not made by newSessionId for user "
              + session.userId());
    }
    int max =
        maxSessionsPerUser == 0
            ? MAX_SESSIONS_PER_USER
            : Math.min(maxSessionsPerUser, MAX_SESSIONS_PER_USER);
    List<Object> result =
        redis.runDurably(
            CREATE,
            ScriptOutputType.MULTI,
            new String[] {
              keys.session(session.id()),
              keys.index(tag),
              keys.states(tag),
              keys.endMarker(session.id()),
              keys.loggedOutEverywhere(tag),
              keys.evicted(tag),
              keys.revoked(tag),
              keys.devices(tag)
            },
            // a login the user saw succeed survives a failover, and so do the sessions it evicted
            (List<Object> answer) -> "created".equals(answer.get(0)),
            now(),
            SessionIds.randomPart(session.id()),
            SessionJson.write(session),
            Long.toString(session.expiresAt().toEpochMilli()),
            Long.toString(session.idleTimeout().toMillis()),
            draft.refreshHash(),
            draft.tagKey(),
            Integer.toString(draft.refreshGeneration()),
            Integer.toString(max),
            SessionIds.deviceTag(session.userAgent()),
            Long.toString(session.createdAt().toEpochMilli()),
            Long.toString(session.lastActiveAt().toEpochMilli()),
            draft.late() ? "1" : "0",
            Integer.toString(MAX_DEVICES_PER_USER),
            Integer.toString(SessionPage.MAX_PAGE_SIZE),
            tag,
            keys.endsChannel());
    int evicted = "created".equals(result.get(0)) ? Math.toIntExact((Long) result.get(2)) : 0;
    if (evicted > 0) {
      forgetCached(keys.index(tag));
    }
    return switch ((String) result.get(0)) {
      case "created" -> SessionCreation.created((Long) result.get(1) == 1L, evicted);
      case "exists" -> SessionCreation.alreadyCreated();
      case "ended" -> SessionCreation.ended();
      default -> throw new SessionKitException("create script answered " + result.get(0));
    };
  }

  @Override
  public Optional<Session> find(String sessionId) {
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    List<Object> found =
        redis.run(
            FIND,
            ScriptOutputType.MULTI,
            new String[] {keys.index(tag.get()), keys.states(tag.get()), keys.session(sessionId)},
            now(),
            SessionIds.randomPart(sessionId));
    return found.isEmpty()
        ? Optional.empty()
        : Optional.of(session(sessionId, found.get(0), found.get(1)));
  }

  @Override
  public SessionCheck touch(String userId, String sessionId, Duration minInterval) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(minInterval, "minInterval");
    Optional<String> tag = SessionIds.tagOf(sessionId);
    // a session id copied into a token of another user does not authenticate that user
    if (tag.isEmpty() || !tag.get().equals(tags.of(userId))) {
      return SessionCheck.ended();
    }
    String[] touchKeys = {keys.index(tag.get()), keys.states(tag.get()), keys.session(sessionId)};
    String member = SessionIds.randomPart(sessionId);
    String interval = Long.toString(minInterval.toMillis());
    if (nearCache != null && !redis.isBreakerOpen()) {
      Instant now = clock.map(Clock::instant).orElseGet(Instant::now);
      Optional<NearCache.Hit> hit = nearCache.lookup(touchKeys[0], member, now, minInterval);
      if (hit.isPresent()) {
        if (hit.get().activityDue()) {
          // off the request path; the script records it only if no instance did lately
          nearCache.recordActivity(touchKeys, now(), member, interval);
        }
        return SessionCheck.live(hit.get().endsAt());
      }
      Optional<SessionCheck> filled = nearCache.fill(touchKeys, now(), member, interval);
      if (filled.isPresent()) {
        return filled.get();
      }
    }
    List<Object> live =
        redis.run(TOUCH, ScriptOutputType.MULTI, touchKeys, now(), member, interval);
    return live.isEmpty()
        ? SessionCheck.ended()
        : SessionCheck.live(Instant.ofEpochMilli(number(live.get(0))));
  }

  // This instance ended sessions of the user: its next request must not find them cached, even
  // before Redis's invalidation arrives on the tracking connection.
  private void forgetCached(String indexKey) {
    if (nearCache != null) {
      nearCache.invalidate(indexKey);
    }
  }

  @Override
  public SessionPage list(String userId, Optional<String> after, int limit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(after, "after");
    if (limit < 1 || limit > SessionPage.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + SessionPage.MAX_PAGE_SIZE + ", but was " + limit);
    }
    String tag = tags.of(userId);
    Optional<PageCursor> cursor = after.flatMap(PageCursor::parse);
    if (after.isPresent() && cursor.isEmpty()) {
      return SessionPage.empty();
    }
    List<Object> rows =
        redis.run(
            LIST,
            ScriptOutputType.MULTI,
            new String[] {keys.index(tag), keys.states(tag)},
            now(),
            cursor.map(c -> Long.toString(c.endsAtMillis())).orElse(""),
            cursor.map(PageCursor::member).orElse(""),
            Integer.toString(limit));
    int liveCount = Math.toIntExact(number(rows.get(0)));
    int found = (rows.size() - 1) / 3;
    int shown = Math.min(found, limit);
    if (shown == 0) {
      return new SessionPage(List.of(), liveCount, Optional.empty());
    }
    String[] sessionKeys = new String[shown];
    for (int i = 0; i < shown; i++) {
      sessionKeys[i] = keys.session(tag + rows.get(1 + 3 * i));
    }
    List<KeyValue<String, String>> records = redis.call(c -> c.mget(sessionKeys));
    List<Session> sessions = new ArrayList<>(shown);
    for (int i = 0; i < shown; i++) {
      KeyValue<String, String> record = records.get(i);
      // a session that ended between the two reads is left out
      if (record.hasValue()) {
        sessions.add(session(tag + rows.get(1 + 3 * i), record.getValue(), rows.get(3 + 3 * i)));
      }
    }
    Optional<String> next =
        found > limit
            ? Optional.of(
                new PageCursor(
                        number(rows.get(2 + 3 * (shown - 1))),
                        (String) rows.get(1 + 3 * (shown - 1)))
                    .encode())
            : Optional.empty();
    return new SessionPage(sessions, liveCount, next);
  }

  @Override
  public Optional<Session> revoke(String sessionId, Duration markAtLeast) {
    Objects.requireNonNull(markAtLeast, "markAtLeast");
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return Optional.empty();
    }
    List<Object> ended =
        redis.runDurably(
            REVOKE,
            ScriptOutputType.MULTI,
            new String[] {
              keys.index(tag.get()),
              keys.states(tag.get()),
              keys.session(sessionId),
              keys.grace(sessionId),
              keys.endMarker(sessionId)
            },
            (List<Object> answer) -> !answer.isEmpty(),
            now(),
            SessionIds.randomPart(sessionId),
            "revoked",
            sessionId,
            keys.endsChannel(),
            Long.toString(Math.max(0, markAtLeast.toMillis())));
    forgetCached(keys.index(tag.get()));
    return ended.isEmpty()
        ? Optional.empty()
        : Optional.of(session(sessionId, ended.get(0), ended.get(1)));
  }

  @Override
  public int revokeAll(String userId, Instant asOf, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(asOf, "asOf");
    Require.notNegative(sessionLifetime, "sessionLifetime");
    String tag = tags.of(userId);
    Long ended =
        redis.runDurably(
            REVOKE_ALL,
            ScriptOutputType.INTEGER,
            new String[] {
              keys.index(tag), keys.states(tag), keys.revoked(tag), keys.loggedOutEverywhere(tag)
            },
            // the logout marker counts even with no live session: it refuses older tokens
            (Long answer) -> true,
            now(),
            Long.toString(sessionLifetime.toMillis()),
            Long.toString(asOf.toEpochMilli()),
            userId,
            keys.endsChannel());
    forgetCached(keys.index(tag));
    return Math.toIntExact(ended);
  }

  @Override
  public RefreshRotation.Outcome rotate(RefreshRotation rotation) {
    Objects.requireNonNull(rotation, "rotation");
    String sessionId = rotation.sessionId();
    Optional<String> tag = SessionIds.tagOf(sessionId);
    if (tag.isEmpty()) {
      return RefreshRotation.Outcome.notFound();
    }
    List<Object> result =
        redis.runDurably(
            ROTATE,
            ScriptOutputType.MULTI,
            new String[] {
              keys.index(tag.get()),
              keys.states(tag.get()),
              keys.session(sessionId),
              keys.grace(sessionId),
              keys.endMarker(sessionId)
            },
            // the new refresh token the client now holds survives a failover, and so does the
            // revocation of a session whose refresh token was presented again (theft)
            (List<Object> answer) ->
                "rotated".equals(answer.get(0)) || "reuse".equals(answer.get(0)),
            now(),
            SessionIds.randomPart(sessionId),
            sessionId,
            Integer.toString(rotation.presentedGeneration()),
            rotation.presentedHash(),
            rotation.presentedTag(),
            rotation.nextHash(),
            rotation.sealedNext(),
            Long.toString(rotation.grace().toMillis()),
            keys.endsChannel());
    return switch ((String) result.get(0)) {
      case "rotated" ->
          RefreshRotation.Outcome.rotated(
              session(sessionId, result.get(3), result.get(4)),
              Math.toIntExact(number(result.get(1))),
              (String) result.get(2));
      case "grace" ->
          RefreshRotation.Outcome.graceRetry(
              session(sessionId, result.get(3), result.get(4)),
              Math.toIntExact(number(result.get(1))),
              (String) result.get(2),
              (String) result.get(5));
      case "applied" ->
          RefreshRotation.Outcome.alreadyApplied(
              session(sessionId, result.get(3), result.get(4)),
              Math.toIntExact(number(result.get(1))),
              (String) result.get(2));
      case "reuse" -> {
        forgetCached(keys.index(tag.get()));
        yield RefreshRotation.Outcome.reuseDetected(
            session(sessionId, result.get(1), result.get(2)));
      }
      case "invalid" -> RefreshRotation.Outcome.invalid();
      case "missing" -> RefreshRotation.Outcome.notFound();
      default -> throw new SessionKitException("rotate script answered " + result.get(0));
    };
  }

  @Override
  public Reclaimed reclaim(String userId) {
    Objects.requireNonNull(userId, "userId");
    String tag = tags.of(userId);
    String[] queues = {keys.evicted(tag), keys.revoked(tag)};
    List<Object> pending =
        redis.run(
            RECLAIM_PENDING,
            ScriptOutputType.MULTI,
            queues,
            now(),
            Integer.toString(SessionPage.MAX_PAGE_SIZE));
    int sessions = (pending.size() - 1) / 2;
    if (sessions == 0) {
      return Reclaimed.nothing();
    }
    String[] reclaimKeys = new String[2 + 3 * sessions];
    String[] args = new String[2 + 2 * sessions];
    reclaimKeys[0] = queues[0];
    reclaimKeys[1] = queues[1];
    args[0] = now();
    args[1] = Long.toString(number(pending.get(0)));
    for (int i = 0; i < sessions; i++) {
      String member = (String) pending.get(1 + 2 * i);
      String sessionId = tag + member;
      reclaimKeys[2 + 3 * i] = keys.session(sessionId);
      reclaimKeys[3 + 3 * i] = keys.grace(sessionId);
      reclaimKeys[4 + 3 * i] = keys.endMarker(sessionId);
      args[2 + 2 * i] = member;
      args[3 + 2 * i] = (String) pending.get(2 + 2 * i);
    }
    List<Object> result = redis.run(RECLAIM, ScriptOutputType.MULTI, reclaimKeys, args);
    List<Session> evicted = new ArrayList<>(result.size() / 2);
    for (int i = 0; i + 1 < result.size(); i += 2) {
      // its activity went with its state: the record alone says when it was created
      evicted.add(SessionJson.read(tag + result.get(i), (String) result.get(i + 1)));
    }
    return new Reclaimed(evicted, number(result.get(result.size() - 1)) > 0);
  }

  /**
   * Subscribes to the channel on which this store's scripts announce every end (logout, revoke,
   * eviction, revoke-all, refresh-token reuse), on a connection of its own that reconnects and
   * resubscribes by itself. While Redis is unreachable at the start, it keeps trying in the
   * background.
   */
  @Override
  public AutoCloseable onEnds(Consumer<SessionEnd> listener) {
    Objects.requireNonNull(listener, "listener");
    return redis.subscribe(keys.endsChannel(), message -> parseEnd(message).ifPresent(listener));
  }

  // "s <session id>" or "u <as of, ms> <user id>"; anything else is not ours and is ignored
  static Optional<SessionEnd> parseEnd(String message) {
    if (message.startsWith("s ") && SessionIds.isWellFormed(message.substring(2))) {
      return Optional.of(SessionEnd.ofSession(message.substring(2)));
    }
    int space = message.indexOf(' ', 2);
    if (message.startsWith("u ") && space > 2 && space < message.length() - 1) {
      try {
        return Optional.of(
            SessionEnd.ofUser(
                message.substring(space + 1),
                Instant.ofEpochMilli(Long.parseLong(message.substring(2, space)))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Connects now instead of on first use, for an application's start: a Redis that answers but is
   * not the kind of deployment this store was built for is refused with a message that says what to
   * configure, instead of failing most requests later. A Redis that cannot be reached now is fine:
   * the store connects on first use, as always.
   *
   * @throws IllegalStateException when a single-server URI reaches a Redis Cluster node ({@code
   *     cluster_enabled:1}), or {@link Builder#clusterNodes cluster nodes} are not one cluster or
   *     not cluster nodes at all
   */
  public void verifyDeployment() {
    redis.verifyDeployment();
  }

  /** Sends {@code PING}; false when Redis does not answer within the command timeout. */
  @Override
  public boolean ping() {
    return redis.ping();
  }

  /**
   * Closes the connections and the client, once the writes sent without waiting (activity, a
   * throttle's reset) are answered or the command timeout has passed. Later calls fail.
   */
  @Override
  public void close() {
    redis.awaitWrites(redis.commandTimeout());
    if (nearCache != null) {
      nearCache.close();
    }
    redis.close();
  }

  /**
   * Waits until the writes sent without waiting (activity recorded from the near-cache) have been
   * answered, for at most {@code timeout}; for tests that read them back.
   */
  boolean awaitWrites(Duration timeout) {
    return redis.awaitWrites(timeout);
  }

  /** The near-cache, when there is one; for tests. */
  Optional<NearCache> nearCache() {
    return Optional.ofNullable(nearCache);
  }

  /** The connection, for other sessionkit parts that keep data in the same Redis. */
  RedisBackend backend() {
    return redis;
  }

  /** The key names, for other sessionkit parts that keep data in the same Redis. */
  RedisKeys keys() {
    return keys;
  }

  // what the scripts take as now: empty for Redis's own clock
  private String now() {
    return clock.map(c -> Long.toString(c.millis())).orElse("");
  }

  private static Session session(String sessionId, Object json, Object lastActiveMillis) {
    return SessionJson.read(
        sessionId, (String) json, Instant.ofEpochMilli(number(lastActiveMillis)));
  }

  // scripts answer large integers as strings: Lua numbers are doubles
  static long number(Object value) {
    return value instanceof Long l ? l : Long.parseLong((String) value);
  }

  /** A position in a user's newest-first list: the end and member of the last session shown. */
  record PageCursor(long endsAtMillis, String member) {

    String encode() {
      return endsAtMillis + "." + member;
    }

    static Optional<PageCursor> parse(String cursor) {
      int dot = cursor.indexOf('.');
      if (dot < 1 || dot > 19 || cursor.length() > 64) {
        return Optional.empty();
      }
      String member = cursor.substring(dot + 1);
      if (!member.matches("[A-Za-z0-9_-]{1,32}")) {
        return Optional.empty();
      }
      try {
        return Optional.of(new PageCursor(Long.parseLong(cursor.substring(0, dot)), member));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Builds a {@link RedisSessionStore}. Every setter validates its argument at once. Not
   * thread-safe.
   */
  public static final class Builder {

    private RedisURI uri;
    private List<RedisURI> clusterNodes = List.of();
    private Clock clock;
    private Optional<String> namespace = Optional.empty();
    private UserTags tags = UserTags.unkeyed();
    private Duration commandTimeout = Duration.ofMillis(500);
    private Duration replicaWait = Duration.ofMillis(200);
    private boolean replicaWaitSet;
    private Duration connectTimeout = Duration.ofSeconds(1);
    private int failureThreshold = 2;
    private Duration probeInterval = Duration.ofMillis(500);
    private Duration nearCacheMaxAge = Duration.ZERO;
    private int nearCacheMaxEntries = 100_000;

    private Builder() {}

    /**
     * Keeps live-session verdicts on this instance, so that a request whose session was checked
     * lately costs no round trip: Redis tells this instance (client-side caching, RESP3 {@code
     * CLIENT TRACKING}) when one of them may have changed, and the verdict is dropped, within
     * milliseconds of a logout, revoke, eviction, logout everywhere or theft revocation on any
     * instance. Each verdict is also trusted for at most {@code maxAge}, and never past its
     * session's end; the whole cache is dropped when the connection that receives the invalidations
     * is lost and when the circuit breaker opens. Activity is still recorded at most once per touch
     * interval, off the request path. Redis 6 or newer. Off by default: without it every request
     * asks Redis.
     *
     * @param maxAge how long a verdict may be trusted at most, 1 ms to 1 minute; a few seconds
     *     bounds the staleness should an invalidation be lost without the connection noticing (a
     *     network partition)
     * @param maxEntries the most sessions' verdicts kept, at least 1
     */
    public Builder nearCache(Duration maxAge, int maxEntries) {
      Require.positive(maxAge, "nearCacheMaxAge");
      if (maxAge.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("nearCacheMaxAge must be <= PT1M, but was " + maxAge);
      }
      this.nearCacheMaxAge = maxAge;
      this.nearCacheMaxEntries = Require.atLeast(maxEntries, 1, "nearCacheMaxEntries");
      return this;
    }

    /**
     * The Redis to use: {@code redis://[user:password@]host:port/db}, {@code rediss://…} for TLS,
     * or {@code redis-sentinel://…#master}. Required. The password never appears in messages.
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      RedisURI parsed;
      try {
        parsed = RedisURI.create(uri);
      } catch (IllegalArgumentException e) {
        // no cause: Lettuce's messages quote the whole URI, password included
        throw new IllegalArgumentException(
            "uri must be redis://host:port, rediss://host:port or redis-sentinel://host:port#master, but could not be parsed");
      }
      String host = parsed.getHost();
      // Lettuce reads redis://a:1,b:2 as one host named "a:1,b:2"
      if (host != null && (host.contains(",") || (host.contains(":") && !isIpv6(host)))) {
        throw new IllegalArgumentException(
            "uri must name one host (redis://host:port); for a Redis Cluster give its nodes with"
                + " clusterNodes(\"host:port\", ...) (in Spring Boot sessionkit.redis.cluster.nodes, in"
                + " the example app REDIS_CLUSTER_NODES),"
                + " for Sentinel use redis-sentinel://host:port,host:port#master");
      }
      this.uri = parsed;
      return this;
    }

    /**
     * The nodes of a Redis Cluster to use instead of {@link #uri(String) one server}: each {@code
     * host:port}, or a {@code redis://[user:password@]host:port} or {@code rediss://…} URI when the
     * cluster needs credentials or TLS. A few nodes suffice (the client learns the rest from them),
     * but every one must belong to the same cluster. The store then follows the cluster's topology
     * (refreshed on every redirection or lost node, and every 10 s), retries a command whose slot
     * is being migrated, and loads its scripts into every node. The passwords never appear in
     * messages. With the {@link #nearCache near-cache}, each master is watched by a connection of
     * its own in broadcast mode (see docs/performance.md).
     *
     * @throws IllegalArgumentException when the list is empty, or a node is not {@code host:port}
     *     or a {@code redis://}/{@code rediss://} URI of one host
     */
    public Builder clusterNodes(List<String> nodes) {
      Objects.requireNonNull(nodes, "nodes");
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("clusterNodes needs at least one host:port");
      }
      List<RedisURI> parsed = new ArrayList<>(nodes.size());
      for (String node : nodes) {
        RedisURI uri = clusterNode(Objects.requireNonNull(node, "node").strip());
        if (parsed.stream()
            .anyMatch(
                other ->
                    other.getHost().equals(uri.getHost()) && other.getPort() == uri.getPort())) {
          throw new IllegalArgumentException(
              "clusterNodes lists " + uri.getHost() + ":" + uri.getPort() + " twice");
        }
        parsed.add(uri);
      }
      this.clusterNodes = List.copyOf(parsed);
      return this;
    }

    /** {@link #clusterNodes(List)} with the nodes as arguments. */
    public Builder clusterNodes(String... nodes) {
      return clusterNodes(List.of(nodes));
    }

    private static RedisURI clusterNode(String node) {
      String problem =
          "clusterNodes takes host:port or redis://host:port (rediss:// for TLS) per node";
      if (node.contains("://")) {
        if (!node.startsWith("redis://") && !node.startsWith("rediss://")) {
          throw new IllegalArgumentException(problem + "; Sentinel is given with uri()");
        }
        RedisURI uri;
        try {
          uri = RedisURI.create(node);
        } catch (IllegalArgumentException e) {
          // no cause: Lettuce's messages quote the whole URI, password included
          throw new IllegalArgumentException(problem + ", but one could not be parsed");
        }
        if (uri.getHost() == null
            || uri.getHost().contains(",")
            || (uri.getHost().contains(":") && !isIpv6(uri.getHost()))) {
          throw new IllegalArgumentException(problem + ": one URI per node, one host each");
        }
        return uri;
      }
      int colon = node.lastIndexOf(':');
      String host = colon > 0 ? node.substring(0, colon) : "";
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(node.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = 0;
      }
      if (host.isEmpty() || host.contains(",") || port < 1 || port > 65535) {
        throw new IllegalArgumentException(problem + ", but was '" + node + "'");
      }
      return RedisURI.create(host, port);
    }

    // an IPv6 literal has at least two colons; "host:port" read as a host has one
    private static boolean isIpv6(String host) {
      return host.indexOf(':') != host.lastIndexOf(':');
    }

    /**
     * A prefix for every key, {@code <namespace>:session:…}, so that several services can share one
     * Redis database without sharing sessions: 1 to 64 of {@code [A-Za-z0-9_.-]}. Default: none, so
     * session records are {@code session:…}.
     */
    public Builder namespace(String namespace) {
      this.namespace =
          Optional.of(RedisKeys.requireValidNamespace(Objects.requireNonNull(namespace)));
      return this;
    }

    /**
     * Makes each session id's user tag an HMAC of the user id under {@code secret} instead of a
     * plain hash, so that session ids neither link a user's sessions nor confirm a guessed user id
     * without the secret. Every instance must use the same secret, and it must not change while
     * sessions live (that would orphan them). At least 32 bytes; never in a message. Default: an
     * unkeyed tag (see {@code docs/SECURITY.md}).
     */
    public Builder userTagSecret(byte[] secret) {
      this.tags = UserTags.keyed(secret);
      return this;
    }

    /**
     * Takes now from {@code clock} instead of from Redis, for tests that move time. Default:
     * Redis's own clock ({@code TIME}), so that every instance agrees on which sessions have ended
     * whatever its own clock says; leave it so in production.
     */
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

    /**
     * How long a revocation (logout, revoke, logout everywhere, an eviction, a refresh token's
     * theft), a login and a refresh wait for a replica to confirm them ({@code WAIT 1}) before they
     * are acknowledged, when the master has replicas: Redis replicates asynchronously, and a write
     * only the dying master had is lost in a failover (a revoked session would be live again, a new
     * session or refresh token unknown). A write not confirmed within the wait is acknowledged
     * anyway (it is in force on the master) and counted in a warning. No wait while the master has
     * no replica. Zero turns it off. Must be less than the command timeout. Default: 200 ms, or
     * half the command timeout when that is shorter.
     */
    public Builder replicaWait(Duration wait) {
      this.replicaWait = Require.notNegative(wait, "replicaWait");
      this.replicaWaitSet = true;
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
     * The store. It connects on first use, so it can be built while Redis is down. On connecting it
     * refuses a server that is not the configured kind: a cluster node given as {@link #uri}, or
     * {@link #clusterNodes} that are not one cluster (calls fail with an {@link
     * IllegalStateException} that says what to configure).
     *
     * @throws IllegalStateException when neither or both of uri and clusterNodes were given
     */
    public RedisSessionStore build() {
      if (uri == null && clusterNodes.isEmpty()) {
        throw new IllegalStateException(
            "uri or clusterNodes is required: call uri(\"redis://host:port\") or"
                + " clusterNodes(\"host:port\", ...) before build()");
      }
      if (!replicaWaitSet && replicaWait.compareTo(commandTimeout.dividedBy(2)) > 0) {
        replicaWait = commandTimeout.dividedBy(2);
      }
      if (replicaWait.compareTo(commandTimeout) >= 0) {
        throw new IllegalStateException(
            "replicaWait ("
                + replicaWait.toMillis()
                + " ms) must be less than commandTimeout ("
                + commandTimeout.toMillis()
                + " ms): a revocation waits for its replica within one command");
      }
      if (uri != null && !clusterNodes.isEmpty()) {
        throw new IllegalStateException(
            "give either uri (one server, or Sentinel) or clusterNodes (a Redis Cluster), not both");
      }
      return new RedisSessionStore(this);
    }
  }
}
