package io.sessionkit.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.sessionkit.SessionCheck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live-session verdicts kept on this instance, and dropped the moment Redis says they may have
 * changed: server-assisted client-side caching (RESP3 {@code CLIENT TRACKING}).
 *
 * <p>A verdict is filled by running the touch script on a connection of its own with tracking on
 * ({@code OPTIN}), right after a read of the user's index that is tracked: the sorted set that
 * every end of a session changes (a logout, revoke, eviction or theft removes the session from it,
 * a logout everywhere renames it away). Redis then sends this connection an invalidation for that
 * key whenever anyone else changes it, and every cached verdict of that user is dropped. The
 * session record is immutable and the index is the one source of truth for liveness, so nothing
 * else is tracked: one key per cached user in Redis's tracking table. The connection uses {@code
 * NOLOOP}: its own writes (activity, an idle deadline moved on) end nothing.
 *
 * <p>Staleness is bounded three ways: by the invalidation (milliseconds after the change), by a
 * maximum age per verdict (whatever happens to the connection), and by the session's end and idle
 * deadline as Redis last told them. The whole cache is dropped when the tracking connection is
 * lost, when the store's circuit breaker opens, and when Redis flushes its tracking table; a fill
 * that raced a drop or an invalidation of its key is not kept. Thread-safe.
 */
final class NearCache implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NearCache.class);
  private static final int STRIPES = 1024;

  /** A fresh live verdict: the session's end, and whether this caller should record activity. */
  record Hit(Instant endsAt, boolean activityDue) {}

  // live until endsAt, last active at activeAt as far as this instance knows, trusted until
  // freshUntilNanos (System.nanoTime)
  private record Verdict(Instant endsAt, Instant activeAt, long freshUntilNanos) {}

  private final RedisBackend redis;
  private final RedisScript touch;
  private final RedisClient client;
  private final Duration maxAge;
  // per user index key: the user's cached verdicts by index member
  private final Cache<String, Map<String, Verdict>> verdicts;
  // bumped by every drop of the whole cache; a fill started before a drop is not kept
  private final AtomicLong generation = new AtomicLong();
  // bumped by every invalidation of a key hashing to the stripe; same use, per key
  private final AtomicLongArray invalidations = new AtomicLongArray(STRIPES);
  private final Object connectLock = new Object();
  private volatile @Nullable StatefulRedisConnection<String, String> connection;
  // on a Redis Cluster: the masters' broadcast tracking, instead of the one OPTIN connection
  private final @Nullable ClusterTracking cluster;
  private volatile boolean tracking;
  private volatile boolean closed;

  /**
   * @param touch the touch script: KEYS[1] the user's index, ARGV[2] the member; answers {end, last
   *     activity} in ms for a live session, an empty array for an ended one
   * @param indexPrefix what every user's index key starts with (watched by prefix on a cluster)
   */
  NearCache(
      RedisBackend redis, RedisScript touch, Duration maxAge, int maxEntries, String indexPrefix) {
    this.redis = redis;
    this.touch = touch;
    this.maxAge = maxAge;
    this.client = RedisClient.create();
    this.client.setOptions(
        ClientOptions.builder()
            .protocolVersion(ProtocolVersion.RESP3)
            .autoReconnect(true)
            // while it is away, requests are answered the way they are without a near-cache
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(redis.commandTimeout()))
            .build());
    this.verdicts =
        Caffeine.newBuilder()
            .maximumWeight(maxEntries)
            .<String, Map<String, Verdict>>weigher((key, sessions) -> Math.max(1, sessions.size()))
            .expireAfterWrite(maxAge)
            .executor(Runnable::run)
            .build();
    this.cluster =
        redis.connector() instanceof RedisConnector.Cluster nodes
            ? new ClusterTracking(
                nodes.client(),
                nodes.seed(),
                redis.commandTimeout(),
                indexPrefix,
                this::onPush,
                this::clear)
            : null;
    // what was cached while Redis answered may be stale once it does not, and the tracking
    // connection may be as dead as the one that stopped answering
    redis.onBreakerOpen(this::dropConnection);
  }

  /**
   * The cached verdict of a session, when there is a fresh one. Activity is due for exactly one
   * caller once {@code activityInterval} has passed since the last activity this instance knows of;
   * that caller records it.
   */
  Optional<Hit> lookup(String indexKey, String member, Instant now, Duration activityInterval) {
    Map<String, Verdict> sessions = verdicts.getIfPresent(indexKey);
    Verdict verdict = sessions == null ? null : sessions.get(member);
    if (verdict == null
        || System.nanoTime() - verdict.freshUntilNanos() >= 0
        || !now.isBefore(verdict.endsAt())) {
      return Optional.empty();
    }
    boolean activityDue =
        !now.isBefore(verdict.activeAt().plus(activityInterval))
            && sessions.replace(
                member, verdict, new Verdict(verdict.endsAt(), now, verdict.freshUntilNanos()));
    return Optional.of(new Hit(verdict.endsAt(), activityDue));
  }

  /**
   * Runs the touch script on the tracking connection, and keeps a live verdict for at most the
   * maximum age.
   *
   * @param keys the touch script's keys, the user's index first
   * @param args the touch script's arguments, the member second
   * @return the verdict, or empty while the tracking connection is away (ask Redis without it)
   * @throws io.sessionkit.SessionStoreUnavailableException when Redis does not answer
   */
  Optional<SessionCheck> fill(String[] keys, String... args) {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null && !current.isOpen()) {
      return Optional.empty();
    }
    String indexKey = keys[0];
    String member = args[1];
    long generationBefore = generation.get();
    int stripe = stripe(indexKey);
    long invalidationsBefore = invalidations.get(stripe);
    long filledAt = System.nanoTime();
    if (cluster != null && !cluster.ready()) {
      return Optional.empty();
    }
    List<Object> live =
        cluster != null
            // broadcast tracking watches the index whichever connection reads it
            ? redis.run(touch, ScriptOutputType.MULTI, keys, args)
            : fillOnTrackingConnection(keys, args);
    return Optional.of(
        keep(indexKey, member, live, generationBefore, stripe, invalidationsBefore, filledAt));
  }

  private List<Object> fillOnTrackingConnection(String[] keys, String[] args) {
    String indexKey = keys[0];
    String member = args[1];
    return redis.callOn(
        () -> trackedConnection().sync(),
        sync -> {
          RedisAsyncCommands<String, String> async = sync.getStatefulConnection().async();
          // sent together, one round trip; with OPTIN, only the command right after CACHING
          // yes has its keys tracked: the user's index alone, not every key the script declares
          RedisFuture<String> caching = async.clientCaching(true);
          RedisFuture<Double> tracked = async.zscore(indexKey, member);
          RedisFuture<List<Object>> touched =
              async.evalsha(touch.sha(), ScriptOutputType.MULTI, keys, args);
          redis.answer(caching);
          redis.answer(tracked);
          try {
            return redis.answer(touched);
          } catch (RedisNoScriptException e) {
            return sync.<List<Object>>eval(touch.source(), ScriptOutputType.MULTI, keys, args);
          }
        });
  }

  private SessionCheck keep(
      String indexKey,
      String member,
      List<Object> live,
      long generationBefore,
      int stripe,
      long invalidationsBefore,
      long filledAt) {
    if (live.isEmpty()) {
      return SessionCheck.ended();
    }
    Instant endsAt = Instant.ofEpochMilli(RedisSessionStore.number(live.get(0)));
    Instant activeAt = Instant.ofEpochMilli(RedisSessionStore.number(live.get(1)));
    Verdict verdict = new Verdict(endsAt, activeAt, filledAt + maxAge.toNanos());
    // kept only when nothing was dropped or invalidated since the script was sent
    verdicts
        .asMap()
        .compute(
            indexKey,
            (key, sessions) -> {
              if (generation.get() != generationBefore
                  || invalidations.get(stripe) != invalidationsBefore) {
                return sessions;
              }
              Map<String, Verdict> next =
                  sessions == null ? new ConcurrentHashMap<>() : new ConcurrentHashMap<>(sessions);
              next.put(member, verdict);
              return next;
            });
    return SessionCheck.live(endsAt);
  }

  /**
   * Records a session's activity without waiting, on the tracking connection: its next fill is then
   * answered after the write, so a fill never sees the deadline the write moved on.
   */
  void recordActivity(String[] keys, String... args) {
    if (cluster != null) {
      // the store's cluster connection sends a slot's commands in order, fills included
      redis.runLater(new RedisBackend.ScriptCall(touch, ScriptOutputType.MULTI, keys, args));
      return;
    }
    redis.runLaterOn(
        () -> RedisLink.of(trackedConnection()),
        new RedisBackend.ScriptCall(touch, ScriptOutputType.MULTI, keys, args));
  }

  /** Drops every cached verdict of the user whose index this is: one of them may have ended. */
  void invalidate(String indexKey) {
    invalidations.incrementAndGet(stripe(indexKey));
    verdicts.invalidate(indexKey);
  }

  /** Drops every cached verdict: whatever it knew may be stale now. */
  void clear() {
    generation.incrementAndGet();
    verdicts.invalidateAll();
  }

  /** How many sessions' verdicts are cached. */
  long size() {
    verdicts.cleanUp();
    return verdicts.asMap().values().stream().mapToLong(Map::size).sum();
  }

  private StatefulRedisConnection<String, String> trackedConnection() {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null && tracking) {
      return current;
    }
    synchronized (connectLock) {
      if (closed) {
        throw new IllegalStateException("this RedisSessionStore is closed");
      }
      if (connection == null) {
        StatefulRedisConnection<String, String> opened =
            client.connect(StringCodec.UTF8, redis.uri());
        opened.addListener(this::onPush);
        opened.addListener(
            new RedisConnectionStateListener() {
              @Override
              public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                // invalidations sent while it was away are lost: nothing cached can be trusted
                tracking = false;
                clear();
              }
            });
        connection = opened;
      }
      if (!tracking) {
        // again after every reconnect: tracking belongs to the server's side of the connection
        connection.sync().clientTracking(TrackingArgs.Builder.enabled().optin().noloop());
        tracking = true;
      }
      return connection;
    }
  }

  // A connection whose peer stopped answering may be half-open: drop it with everything it told,
  // and let the next fill connect afresh.
  private void dropConnection() {
    if (cluster != null) {
      cluster.drop();
      clear();
      return;
    }
    StatefulRedisConnection<String, String> dropped;
    synchronized (connectLock) {
      dropped = connection;
      connection = null;
      tracking = false;
      clear();
    }
    if (dropped != null) {
      dropped.closeAsync();
    }
  }

  private void onPush(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    List<Object> content = message.getContent(NearCache::decode);
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (!(keys instanceof List<?> list)) {
      // no key list: Redis flushed its tracking table (FLUSHALL, or tracking-table-max-keys)
      clear();
      return;
    }
    for (Object key : list) {
      invalidate(String.valueOf(key));
    }
  }

  private static Object decode(ByteBuffer bytes) {
    return StandardCharsets.UTF_8.decode(bytes).toString();
  }

  private static int stripe(String key) {
    return (key.hashCode() & 0x7fffffff) % STRIPES;
  }

  @Override
  public void close() {
    synchronized (connectLock) {
      closed = true;
    }
    dropConnection();
    if (cluster != null) {
      cluster.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    log.debug("Near-cache closed");
  }
}
