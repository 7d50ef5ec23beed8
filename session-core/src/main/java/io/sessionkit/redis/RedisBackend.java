package io.sessionkit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.sessionkit.SessionKitException;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.internal.AggregatedWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection with its timeouts and circuit breaker, shared by the session store and
 * whatever else sessionkit keeps in the same Redis (activity log, login throttle), so they fail and
 * recover together. Thread-safe.
 */
final class RedisBackend implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisBackend.class);

  /** A command to run on the connection. */
  interface Command<T> {
    T apply(RedisCommands<String, String> redis);
  }

  private final RedisClient client;
  private final RedisURI uri;
  private final Object connectLock = new Object();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean closed;
  private final CircuitBreaker breaker;
  private final Duration commandTimeout;
  // scripts known to be in the server's cache, for calls sent without waiting
  private final java.util.Set<String> loadedScripts =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  // writes sent without waiting and not answered yet
  private final AtomicInteger writesInFlight = new AtomicInteger();
  private final AggregatedWarning droppedWrites =
      new AggregatedWarning(
          log,
          Duration.ofSeconds(10),
          "Redis unavailable: {} writes nobody waited on were dropped");

  RedisBackend(
      RedisURI uri,
      Duration commandTimeout,
      Duration connectTimeout,
      int failureThreshold,
      Duration probeInterval) {
    this.uri = uri;
    this.uri.setTimeout(commandTimeout);
    this.commandTimeout = commandTimeout;
    this.client = RedisClient.create();
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // fail fast while disconnected instead of piling requests up behind a dead socket
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            .build());
    this.breaker =
        new CircuitBreaker(failureThreshold, probeInterval, this::probe, this::dropConnection);
  }

  /** Whether calls fail at once because Redis stopped answering. */
  boolean isBreakerOpen() {
    return breaker.isOpen();
  }

  /** Runs {@code listener} each time the circuit breaker opens. */
  void onBreakerOpen(Runnable listener) {
    breaker.onOpen(listener);
  }

  /** The address connections go to, for a store that opens one of its own (the near-cache). */
  RedisURI uri() {
    return uri;
  }

  /** The command timeout. */
  Duration commandTimeout() {
    return commandTimeout;
  }

  /** Sends {@code PING}; false when Redis does not answer within the command timeout. */
  boolean ping() {
    try {
      return "PONG".equals(call(RedisCommands::ping));
    } catch (SessionStoreUnavailableException | IllegalStateException e) {
      return false;
    }
  }

  /** One script call, for {@link #runTogether} and {@link #runLater}. */
  record ScriptCall(RedisScript script, ScriptOutputType type, String[] keys, String[] args) {}

  /**
   * Sends the calls together (one round trip however many there are) and waits for all the answers,
   * in order. For calls whose keys live in different Redis Cluster slots, which one script cannot
   * touch together.
   */
  List<Object> runTogether(List<ScriptCall> calls) {
    return call(
        redis -> {
          RedisAsyncCommands<String, String> async = connection().async();
          List<RedisFuture<Object>> sent = new ArrayList<>(calls.size());
          for (ScriptCall c : calls) {
            sent.add(async.evalsha(c.script().sha(), c.type(), c.keys(), c.args()));
          }
          List<Object> answers = new ArrayList<>(calls.size());
          for (int i = 0; i < calls.size(); i++) {
            answers.add(await(sent.get(i), calls.get(i), redis));
          }
          return answers;
        });
  }

  /**
   * Sends the call without waiting for its answer, for writes nobody waits on (an activity entry, a
   * throttle window's reset): they leave with the next write on the connection. A failure is logged
   * once per burst; while the breaker is open the call is dropped.
   */
  void runLater(ScriptCall c) {
    runLaterOn(this::connection, c);
  }

  /**
   * {@link #runLater} on another connection to the same Redis (the near-cache's tracking
   * connection, so that the write is ordered before that connection's next read).
   */
  void runLaterOn(Supplier<StatefulRedisConnection<String, String>> connection, ScriptCall c) {
    if (breaker.isOpen() || closed) {
      droppedWrites.record();
      return;
    }
    writesInFlight.incrementAndGet();
    try {
      StatefulRedisConnection<String, String> current = connection.get();
      if (!loadedScripts.contains(c.script().sha())) {
        // loaded first, so that a NOSCRIPT retry never lets a later command overtake this one
        current.sync().scriptLoad(c.script().source());
        loadedScripts.add(c.script().sha());
      }
      RedisAsyncCommands<String, String> async = current.async();
      async
          .evalsha(c.script().sha(), c.type(), c.keys(), c.args())
          .exceptionallyCompose(
              e ->
                  unwrap(e) instanceof RedisNoScriptException
                      ? async.eval(c.script().source(), c.type(), c.keys(), c.args())
                      : java.util.concurrent.CompletableFuture.failedFuture(e))
          .whenComplete(
              (answer, e) -> {
                if (e != null) {
                  loadedScripts.remove(c.script().sha());
                  droppedWrites.record();
                }
                writeDone();
              });
    } catch (RedisException | IllegalStateException e) {
      droppedWrites.record();
      writeDone();
    }
  }

  private void writeDone() {
    if (writesInFlight.decrementAndGet() == 0) {
      synchronized (writesInFlight) {
        writesInFlight.notifyAll();
      }
    }
  }

  /**
   * Waits until every write sent without waiting has been answered, or for at most {@code timeout}.
   *
   * @return whether none is in flight any more
   */
  boolean awaitWrites(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (writesInFlight) {
      while (writesInFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(writesInFlight, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private Object await(
      RedisFuture<Object> future, ScriptCall c, RedisCommands<String, String> redis) {
    try {
      return answer(future);
    } catch (RedisNoScriptException e) {
      // first use on this server, or its script cache was flushed
      return redis.eval(c.script().source(), c.type(), c.keys(), c.args());
    }
  }

  /**
   * The answer of a command sent without waiting, waited for at most the command timeout.
   *
   * @throws RedisException what the command failed with, or a timeout
   */
  <T> T answer(RedisFuture<T> future) {
    try {
      return future.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RedisException redisException) {
        throw redisException;
      }
      throw new RedisException(cause);
    } catch (TimeoutException e) {
      throw new RedisCommandTimeoutException(
          "Command timed out after " + commandTimeout.toMillis() + " millisecond(s)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  @SuppressWarnings("unchecked")
  <T> T run(RedisScript script, ScriptOutputType type, String[] keys, String... args) {
    return call(
        redis -> {
          try {
            return (T) redis.evalsha(script.sha(), type, keys, args);
          } catch (RedisNoScriptException e) {
            // first use on this server, or its script cache was flushed (e.g. after a restart)
            return (T) redis.eval(script.source(), type, keys, args);
          }
        });
  }

  <T> T call(Command<T> command) {
    return callOn(this::connection, command);
  }

  /**
   * Runs a command on another connection to the same Redis, under the same breaker: its failures
   * count as this backend's.
   */
  <T> T callOn(Supplier<StatefulRedisConnection<String, String>> connection, Command<T> command) {
    if (breaker.isOpen()) {
      throw new SessionStoreUnavailableException(
          "Redis at "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " is unavailable: it stopped answering and is being probed");
    }
    try {
      T result = command.apply(connection.get().sync());
      breaker.recordSuccess();
      return result;
    } catch (RedisCommandExecutionException e) {
      if (isTransient(e)) {
        throw failed(e);
      }
      throw new SessionKitException("Redis refused a sessionkit command: " + e.getMessage(), e);
    } catch (RedisException | CancellationException e) {
      // timeouts, refused and lost connections; CancellationException comes from failovers
      throw failed(e);
    }
  }

  private SessionStoreUnavailableException failed(Exception e) {
    breaker.recordFailure(e);
    return unavailable(e);
  }

  // The probe runs on the breaker's thread and bypasses it; a fresh connection is opened if the
  // old one was dropped when the breaker opened.
  private boolean probe() {
    try {
      return "PONG".equals(connection().sync().ping());
    } catch (RedisException | IllegalStateException e) {
      return false;
    }
  }

  // A connection whose peer stopped answering may be half-open (a silent network drop): drop it
  // rather than wait for TCP to notice, and let the next call connect afresh.
  private void dropConnection() {
    StatefulRedisConnection<String, String> dropped;
    loadedScripts.clear();
    synchronized (connectLock) {
      dropped = connection;
      connection = null;
    }
    if (dropped != null) {
      dropped.closeAsync();
    }
  }

  private static boolean isTransient(RedisCommandExecutionException e) {
    String message = String.valueOf(e.getMessage());
    for (String code :
        new String[] {
          "LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM"
        }) {
      if (message.startsWith(code)) {
        return true;
      }
    }
    return false;
  }

  private SessionStoreUnavailableException unavailable(Exception e) {
    return new SessionStoreUnavailableException(
        "Redis at " + uri.getHost() + ":" + uri.getPort() + " is unavailable: " + e.getMessage(),
        e);
  }

  private StatefulRedisConnection<String, String> connection() {
    StatefulRedisConnection<String, String> current = connection;
    if (current != null) {
      return current;
    }
    synchronized (connectLock) {
      if (closed) {
        throw new IllegalStateException("this RedisSessionStore is closed");
      }
      if (connection == null) {
        connection = client.connect(StringCodec.UTF8, uri);
        log.info("Connected to Redis at {}:{}", uri.getHost(), uri.getPort());
      }
      return connection;
    }
  }

  /**
   * Subscribes to a pub/sub channel on a connection of its own. Lettuce reconnects and resubscribes
   * it by itself; when Redis cannot be reached for the first subscription, it is tried again every
   * probe interval until it works or the subscription is closed.
   */
  AutoCloseable subscribe(String channel, java.util.function.Consumer<String> onMessage) {
    Subscription subscription = new Subscription(channel, onMessage);
    subscription.start();
    return subscription;
  }

  private final class Subscription implements AutoCloseable {
    private final String channel;
    private final java.util.function.Consumer<String> onMessage;
    private volatile boolean stopped;
    private io.lettuce.core.pubsub.@org.jspecify.annotations.Nullable StatefulRedisPubSubConnection<
            String, String>
        connection;

    Subscription(String channel, java.util.function.Consumer<String> onMessage) {
      this.channel = channel;
      this.onMessage = onMessage;
    }

    void start() {
      if (stopped || closed) {
        return;
      }
      try {
        var pubSub = client.connectPubSub(StringCodec.UTF8, uri);
        pubSub.addListener(
            new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
              @Override
              public void message(String from, String message) {
                if (channel.equals(from)) {
                  try {
                    onMessage.accept(message);
                  } catch (RuntimeException e) {
                    log.warn("A listener of {} failed", channel, e);
                  }
                }
              }
            });
        pubSub.sync().subscribe(channel);
        synchronized (this) {
          connection = pubSub;
          if (stopped) {
            pubSub.closeAsync();
          }
        }
      } catch (RedisException e) {
        breaker.schedule(this::start);
      }
    }

    @Override
    public synchronized void close() {
      stopped = true;
      if (connection != null) {
        connection.closeAsync();
      }
    }
  }

  @Override
  public void close() {
    // what was sent without waiting (activity, a throttle's reset) is not lost to a shutdown
    awaitWrites(commandTimeout);
    breaker.close();
    synchronized (connectLock) {
      closed = true;
      if (connection != null) {
        connection.close();
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
