package io.sessionkit.example;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's own Redis connection for its accounts, to the Redis the session store uses (the same
 * {@code REDIS_URL}, or the same {@code REDIS_CLUSTER_NODES}), opened on first use and reopened by
 * Lettuce after a drop. Commands fail within the command timeout, and at once while the connection
 * is down, rather than queue. The library's connections are its own; this one carries only {@code
 * account:} keys, one key per command, so a cluster routes each to its slot's master. Thread-safe.
 */
final class AccountsRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AccountsRedis.class);

  private final AbstractRedisClient client;
  private final Function<AbstractRedisClient, StatefulConnection<String, String>> connect;
  private final Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>>
      sync;
  private final String where;
  private final Object connectLock = new Object();
  private volatile StatefulConnection<String, String> connection;

  private AccountsRedis(
      AbstractRedisClient client,
      Function<AbstractRedisClient, StatefulConnection<String, String>> connect,
      Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>> sync,
      String where) {
    this.client = client;
    this.connect = connect;
    this.sync = sync;
    this.where = where;
  }

  /**
   * One server.
   *
   * @param url {@code redis://…}, {@code rediss://…} or {@code redis-sentinel://…#master}; already
   *     accepted by the session store, which validates it first
   */
  static AccountsRedis single(String url, Duration commandTimeout, Duration connectTimeout) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(commandTimeout);
    RedisClient client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            .build());
    String where =
        uri.getSentinelMasterId() != null
            ? "sentinel master " + uri.getSentinelMasterId()
            : uri.getHost() + ":" + uri.getPort();
    return new AccountsRedis(
        client,
        c -> ((RedisClient) c).connect(StringCodec.UTF8, uri),
        c -> ((io.lettuce.core.api.StatefulRedisConnection<String, String>) c).sync(),
        where);
  }

  /**
   * A Redis Cluster, from the nodes the session store was given ({@code host:port} or {@code
   * redis://[user:password@]host:port}).
   */
  static AccountsRedis cluster(
      List<String> nodes, Duration commandTimeout, Duration connectTimeout) {
    List<RedisURI> uris =
        nodes.stream()
            .map(String::strip)
            .map(node -> RedisURI.create(node.contains("://") ? node : "redis://" + node))
            .peek(uri -> uri.setTimeout(commandTimeout))
            .toList();
    RedisClusterClient client = RedisClusterClient.create(uris);
    client.setOptions(
        ClusterClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            // without topology refresh the client keeps sending to a dead master after a failover
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder()
                    .enableAllAdaptiveRefreshTriggers()
                    .enablePeriodicRefresh(Duration.ofSeconds(10))
                    .build())
            .build());
    String where =
        "Redis Cluster "
            + uris.stream()
                .map(u -> u.getHost() + ":" + u.getPort())
                .collect(Collectors.joining(","));
    return new AccountsRedis(
        client,
        c -> ((RedisClusterClient) c).connect(StringCodec.UTF8),
        c -> ((StatefulRedisClusterConnection<String, String>) c).sync(),
        where);
  }

  /**
   * The synchronous commands, connecting first if needed.
   *
   * @throws RedisException when no connection can be opened
   */
  RedisClusterCommands<String, String> commands() {
    StatefulConnection<String, String> current = connection;
    if (current == null) {
      synchronized (connectLock) {
        if (connection == null) {
          connection = connect.apply(client);
          log.info("Accounts: connected to {}", where);
        }
        current = connection;
      }
    }
    return sync.apply(current);
  }

  /** Where, for messages: addresses, never the user name or password. */
  String where() {
    return where;
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
