package io.sessionkit.example;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's own Redis connection for its accounts, to the Redis the session store uses (the same
 * {@code REDIS_URL}), opened on first use and reopened by Lettuce after a drop. Commands fail
 * within the command timeout, and at once while the connection is down, rather than queue. The
 * library's connections are its own; this one carries only {@code account:} keys. Thread-safe.
 */
final class AccountsRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AccountsRedis.class);

  private final RedisClient client;
  private final RedisURI uri;
  private final Object connectLock = new Object();
  private volatile StatefulRedisConnection<String, String> connection;

  /**
   * @param url {@code redis://…}, {@code rediss://…} or {@code redis-sentinel://…#master}; already
   *     accepted by the session store, which validates it first
   */
  AccountsRedis(String url, Duration commandTimeout, Duration connectTimeout) {
    this.uri = RedisURI.create(url);
    this.uri.setTimeout(commandTimeout);
    this.client = RedisClient.create();
    this.client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            .build());
  }

  /**
   * The synchronous commands, connecting first if needed.
   *
   * @throws RedisException when no connection can be opened
   */
  RedisCommands<String, String> commands() {
    StatefulRedisConnection<String, String> current = connection;
    if (current == null) {
      synchronized (connectLock) {
        if (connection == null) {
          connection = client.connect(StringCodec.UTF8, uri);
          log.info("Accounts: connected to Redis at {}", where());
        }
        current = connection;
      }
    }
    return current.sync();
  }

  /** {@code host:port}, for messages: never the user name or password. */
  String where() {
    return uri.getSentinelMasterId() != null
        ? "sentinel master " + uri.getSentinelMasterId()
        : uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void close() {
    synchronized (connectLock) {
      if (connection != null) {
        connection.close();
      }
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
