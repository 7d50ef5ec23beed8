package io.sessionkit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.sessionkit.SessionKitException;
import io.sessionkit.SessionStoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
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

  RedisBackend(
      RedisURI uri,
      Duration commandTimeout,
      Duration connectTimeout,
      int failureThreshold,
      Duration probeInterval) {
    this.uri = uri;
    this.uri.setTimeout(commandTimeout);
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

  /** Sends {@code PING}; false when Redis does not answer within the command timeout. */
  boolean ping() {
    try {
      return "PONG".equals(call(RedisCommands::ping));
    } catch (SessionStoreUnavailableException | IllegalStateException e) {
      return false;
    }
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
    if (breaker.isOpen()) {
      throw new SessionStoreUnavailableException(
          "Redis at "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " is unavailable: it stopped answering and is being probed");
    }
    try {
      T result = command.apply(connection().sync());
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

  @Override
  public void close() {
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
